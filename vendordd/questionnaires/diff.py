"""What changed between two versions of a questionnaire: questions, domains and the header."""

from __future__ import annotations

from dataclasses import dataclass

from vendordd.questionnaires.schema import Definition, Question

# Compared one by one, in the order authors write them; `key` identifies the question.
QUESTION_FIELDS = tuple(name for name in Question.model_fields if name != "key")


@dataclass(frozen=True)
class QuestionChange:
    key: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class DefinitionDiff:
    key: str
    old_version: str
    new_version: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[QuestionChange, ...]
    # Readable lines about the title, description and domains.
    other: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.other)

    def lines(self) -> list[str]:
        """The difference as text for the terminal."""
        lines = [f"{self.key} {self.old_version} → {self.new_version}"]
        if self.is_empty:
            return [*lines, "No differences."]
        lines.append(f"Added questions ({len(self.added)}): {', '.join(self.added) or 'none'}")
        lines.append(
            f"Removed questions ({len(self.removed)}): {', '.join(self.removed) or 'none'}"
        )
        lines.append(f"Changed questions ({len(self.changed)}):{'' if self.changed else ' none'}")
        lines += [f"  {change.key}: {', '.join(change.fields)}" for change in self.changed]
        if self.other:
            lines.append("Other changes:")
            lines += [f"  {line}" for line in self.other]
        return lines


def diff_definitions(old: Definition, new: Definition) -> DefinitionDiff:
    """Questions added, removed and changed (with the fields that changed) from old to new."""
    changed = []
    for question in new.questions:
        before = old.by_key.get(question.key)
        if before is None:
            continue
        fields = tuple(
            name for name in QUESTION_FIELDS if getattr(before, name) != getattr(question, name)
        )
        if fields:
            changed.append(QuestionChange(question.key, fields))
    return DefinitionDiff(
        key=new.key,
        old_version=old.version,
        new_version=new.version,
        added=tuple(q.key for q in new.questions if q.key not in old.by_key),
        removed=tuple(q.key for q in old.questions if q.key not in new.by_key),
        changed=tuple(changed),
        other=tuple(_header(old, new) + _domains(old, new)),
    )


def _header(old: Definition, new: Definition) -> list[str]:
    lines = []
    if old.title != new.title:
        lines.append(f"title: {old.title!r} → {new.title!r}")
    if old.description != new.description:
        lines.append("description changed")
    return lines


def _domains(old: Definition, new: Definition) -> list[str]:
    before = {domain.key: domain for domain in old.domains}
    after = {domain.key: domain for domain in new.domains}
    lines = [
        f"domain {key} added (weight {domain.weight})"
        for key, domain in after.items()
        if key not in before
    ]
    lines += [f"domain {key} removed" for key in before if key not in after]
    for key in (key for key in after if key in before):
        if before[key].weight != after[key].weight:
            lines.append(f"domain {key}: weight {before[key].weight} → {after[key].weight}")
        if before[key].title != after[key].title:
            lines.append(f"domain {key}: title {before[key].title!r} → {after[key].title!r}")
    return lines
