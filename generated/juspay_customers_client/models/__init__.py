"""Contains all the data models used in inputs/outputs"""

from .client_auth_token import ClientAuthToken
from .create_customer_request import CreateCustomerRequest
from .customer import Customer
from .error import Error
from .error_info import ErrorInfo
from .field_error import FieldError
from .update_customer_request import UpdateCustomerRequest

__all__ = (
    "ClientAuthToken",
    "CreateCustomerRequest",
    "Customer",
    "Error",
    "ErrorInfo",
    "FieldError",
    "UpdateCustomerRequest",
)
