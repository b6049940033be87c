"""samconfig.toml's environments: each its own stack, with parameters the template accepts."""

from __future__ import annotations

import shlex
import subprocess
import tomllib
from typing import Any

import pytest
from helpers import REPO, TEMPLATE

from pressroom_tools.local.template import load_template

ENVIRONMENTS = ("default", "dev", "prod")


@pytest.fixture(scope="module")
def samconfig() -> dict[str, Any]:
    with (REPO / "samconfig.toml").open("rb") as stream:
        return tomllib.load(stream)


@pytest.fixture(scope="module")
def parameters() -> dict[str, Any]:
    found: dict[str, Any] = load_template(TEMPLATE)["Parameters"]
    return found


def overrides(section: dict[str, Any]) -> dict[str, str]:
    pairs = shlex.split(section.get("parameter_overrides", ""))
    return dict(pair.split("=", 1) for pair in pairs)


def test_each_environment_deploys_its_own_stack(samconfig: dict[str, Any]):
    stacks = [samconfig[env]["global"]["parameters"]["stack_name"] for env in ENVIRONMENTS]
    assert len(set(stacks)) == len(ENVIRONMENTS)
    for env in ENVIRONMENTS:
        deploy = samconfig[env]["deploy"]["parameters"]
        assert deploy["capabilities"] == "CAPABILITY_IAM", env
        assert deploy["resolve_s3"] is True, env


def test_production_changes_are_confirmed_before_they_apply(samconfig: dict[str, Any]):
    assert samconfig["prod"]["deploy"]["parameters"]["confirm_changeset"] is True
    assert samconfig["prod"]["deploy"]["parameters"]["tags"] == "environment=prod"


def test_production_deploys_to_one_region_whatever_the_operators_default(samconfig: dict[str, Any]):
    assert samconfig["prod"]["global"]["parameters"]["region"] == "us-east-1"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_override_is_a_template_parameter_with_an_allowed_value(
    samconfig: dict[str, Any], parameters: dict[str, Any], env: str
):
    for name, value in overrides(samconfig[env]["deploy"]["parameters"]).items():
        assert name in parameters, f"[{env}] overrides {name}, which template.yaml does not declare"
        allowed = parameters[name].get("AllowedValues")
        if allowed is not None:
            assert value in {str(choice) for choice in allowed}, (env, name, value)


def test_make_deploy_refuses_an_environment_samconfig_does_not_have():
    refused = subprocess.run(
        ["make", "--no-print-directory", "deploy-env", "ENV=staging"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "ENV is one of: default dev prod" in refused.stderr
    accepted = subprocess.run(["make", "-s", "deploy-env", "ENV=prod"], cwd=REPO, check=False)
    assert accepted.returncode == 0


# Words only a root machine with a package manager, Docker or a browser would run.
ROOT_ONLY = ("apt-get", "dockerd", "debootstrap", "chromium", "sudo")


def make_plan(*arguments: str) -> str:
    """What `make` would run for these targets on a fresh checkout (-B: every environment still
    to be made; -n: printed, nothing run)."""
    plan = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plan.returncode == 0, plan.stderr
    return plan.stdout


@pytest.mark.parametrize(
    "arguments",
    [
        ("deploy", "ENV=dev"),
        ("build",),
        ("destroy", "ENV=prod"),
        ("integration", "STACK=pressroom-dev"),
        ("validate",),
    ],
)
def test_deploying_needs_only_python_and_the_sam_cli(arguments: tuple[str, ...]):
    plan = make_plan(*arguments)
    needs_root = [word for word in ROOT_ONLY if word in plan]
    assert needs_root == [], f"make {' '.join(arguments)} would run {needs_root}:\n{plan}"


def test_make_deploy_reaches_sam_deploy_with_the_environments_settings():
    plan = make_plan("deploy", "ENV=dev")
    assert "sam build" in plan
    assert plan.rstrip().endswith(".tools/sam/bin/sam deploy --config-env dev")


def test_the_demo_and_the_tests_still_install_what_they_drive():
    for target in ("demo", "test"):
        plan = make_plan(target)
        assert "apt-get" in plan, target
        assert "dockerd" in plan, target
