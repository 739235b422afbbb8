"""Every table of the product, gathered for migrations and the test database."""

from sqlmodel import SQLModel

from vendordd.audit import models as audit_models
from vendordd.auth import models as auth_models
from vendordd.vendors import models as vendor_models

metadata = SQLModel.metadata
MODEL_MODULES = (auth_models, audit_models, vendor_models)
