"""Each function's role, held to the list in tests/roles.py: widening one fails here, naming it.

tests/permissions checks every call the suite makes against these same grants (and lists those
no call needed), so a grant is added in one place, with the call that needs it.
"""

from __future__ import annotations

from typing import Any

import pytest
from roles import ROLES, role_grants


@pytest.mark.parametrize("function", sorted(ROLES))
def test_each_role_grants_exactly_what_its_function_is_listed_for(translated: dict[str, Any], function: str):
    granted = role_grants(translated)[function]
    assert sorted(granted - ROLES[function]) == [], f"{function}'s role was widened"
    assert sorted(ROLES[function] - granted) == [], f"{function}'s role lost a grant tests/roles.py lists"


def test_every_function_is_listed(translated: dict[str, Any]):
    assert set(role_grants(translated)) == set(ROLES)


def test_no_grant_is_a_wildcard(translated: dict[str, Any]):
    for function, grants in role_grants(translated).items():
        for action, resource in grants:
            assert "*" not in action, (function, action)
            assert resource != "*", (function, action)
            assert not resource.endswith(":*"), (function, resource)
