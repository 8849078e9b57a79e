"""One error hierarchy: every error the domain and the kernel raise is a DomainError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import portal.domain
import portal.kernel
from portal.domain import analytics, cases
from portal.kernel.errors import DomainError

STATUSES = {400, 403, 404, 409, 410, 429}


def _exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in a module under portal/domain or portal/kernel."""
    found = []
    for package in (portal.domain, portal.kernel):
        names = [package.__name__] + [
            info.name
            for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
        ]
        for name in names:
            module = importlib.import_module(name)
            for _, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, BaseException) and value.__module__ == name:
                    found.append(value)
    return found


EXCEPTIONS = _exception_classes()


def test_the_domain_and_the_kernel_define_errors():
    assert {cases.BadListRequest, analytics.InvalidGoal, analytics.FilterError} <= set(EXCEPTIONS)


@pytest.mark.parametrize("error", EXCEPTIONS, ids=lambda error: error.__qualname__)
def test_every_domain_and_kernel_error_is_a_domain_error_with_a_known_status(error):
    assert issubclass(error, DomainError)
    assert error.status in STATUSES


@pytest.mark.fresh_app
def test_an_uncaught_domain_error_answers_with_its_status_page(app, client):
    @app.get("/raise-filter-error")
    def raise_filter_error():
        raise analytics.FilterError("unusable")

    response = client.get("/raise-filter-error")
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)
