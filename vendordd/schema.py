"""Every table of the product, gathered for migrations and the test database."""

from sqlmodel import SQLModel

from vendordd.alerts import models as alert_models
from vendordd.assessments import models as assessment_models
from vendordd.audit import models as audit_models
from vendordd.auth import models as auth_models
from vendordd.concentration import exposures as exposure_models
from vendordd.concentration import models as concentration_models
from vendordd.concentration import pairs as pair_models
from vendordd.concentration import risklevels as risk_models
from vendordd.concentration import rollup as rollup_models
from vendordd.questionnaires import models as questionnaire_models
from vendordd.settings import models as setting_models
from vendordd.vendors import models as vendor_models

metadata = SQLModel.metadata
MODEL_MODULES = (
    auth_models,
    audit_models,
    vendor_models,
    questionnaire_models,
    concentration_models,
    exposure_models,
    pair_models,
    rollup_models,
    risk_models,
    assessment_models,
    setting_models,
    alert_models,
)
