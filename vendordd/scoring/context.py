"""What about the institution's use of a vendor decides which questions apply and how they score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from vendordd.questionnaires.schema import TIERS


@dataclass(frozen=True, eq=False)
class Context:
    """The scoring context: tier, regimes, data class, use case, criticality, date and policy.

    `allowed_countries` is the data-location policy: data class -> allowed ISO alpha-2 codes; a
    class that is absent (or has an empty set) has no restriction. Two contexts are equal when
    they score alike: the policy counts only for the context's own data class.
    """

    tier: str
    as_of: date
    regimes: frozenset[str] = frozenset()
    data_class: str = "internal"
    use_case: str = "internal_productivity"
    is_critical: bool = False
    allowed_countries: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def _scored(self) -> tuple:
        allowed = self.allowed_countries.get(self.data_class) or frozenset()
        return (
            self.tier,
            self.as_of,
            self.regimes,
            self.data_class,
            self.use_case,
            self.is_critical,
            allowed,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Context):
            return NotImplemented
        return self._scored() == other._scored()

    def __hash__(self) -> int:
        return hash(self._scored())

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"tier {self.tier!r} is not one of {', '.join(TIERS)}")
        # Callers often hold regimes as a list (JSON, YAML); the engine needs set operations.
        if not isinstance(self.regimes, frozenset):
            object.__setattr__(self, "regimes", frozenset(_as_iterable(self.regimes)))


def _as_iterable(value: Iterable[str] | str) -> Iterable[str]:
    return (value,) if isinstance(value, str) else value
