"""Each function's settings: every required variable named at once, bad values refused, defaults
applied, and each function requiring only what it uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.settings import (
    AggregateSettings,
    AssetsSettings,
    FunctionSettings,
    ImagesSettings,
    NotifySettings,
    RenderSettings,
    RepublishSettings,
    SettingsError,
    ValidateSettings,
)
from pressroom_tools.local.template import load_template

# RenderFunction's settings hold the most: the shared rules are tested through them.
Settings = RenderSettings
FUNCTIONS: dict[str, type[FunctionSettings]] = {
    "ValidateFunction": ValidateSettings,
    "RenderFunction": RenderSettings,
    "RepublishFunction": RepublishSettings,
    "AggregateFunction": AggregateSettings,
    "AssetsFunction": AssetsSettings,
    "ImagesFunction": ImagesSettings,
    "NotifyFunction": NotifySettings,
}
REQUIRED = {
    "HOSTING_BUCKET": "site-bucket",
    "POSTS_TABLE": "posts",
    "EVENT_BUS_NAME": "pressroom-bus",
    "SITE_URL": "https://blog.example.com/",
    "EVENT_BUS_ARN": "arn:aws:events:eu-west-2:123456789012:event-bus/pressroom-bus",
    "SCHEDULE_GROUP": "pressroom-publication",
    "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/pressroom-scheduler",
    "SCHEDULE_DLQ_ARN": "arn:aws:sqs:eu-west-2:123456789012:pressroom-schedule-failures",
    "STALE_PAGES_QUEUE_URL": "https://sqs.eu-west-2.amazonaws.com/123456789012/pressroom-stale-pages.fifo",
}


def test_defaults_apply_when_only_required_variables_are_set():
    settings = Settings.from_env(REQUIRED)

    assert settings.hosting_bucket == "site-bucket"
    assert settings.posts_table == "posts"
    assert settings.event_bus_name == "pressroom-bus"
    assert settings.site_title == "pressroom"
    assert settings.site_timezone == "UTC"
    assert settings.max_post_bytes == 1_000_000
    assert settings.index_page_size == 20
    assert str(settings.timezone()) == "UTC"


def test_base_url_has_no_trailing_slash():
    assert Settings.from_env(REQUIRED).base_url == "https://blog.example.com"


def test_optional_variables_override_defaults():
    settings = Settings.from_env(
        {
            **REQUIRED,
            "SITE_TITLE": "Field Notes",
            "SITE_TIMEZONE": "Europe/London",
            "MAX_POST_BYTES": "2048",
            "INDEX_PAGE_SIZE": "5",
        }
    )

    assert settings.site_title == "Field Notes"
    assert str(settings.timezone()) == "Europe/London"
    assert settings.max_post_bytes == 2048
    assert settings.index_page_size == 5


def test_empty_optional_variables_mean_the_default():
    settings = Settings.from_env({**REQUIRED, "SITE_TIMEZONE": "", "MAX_POST_BYTES": ""})

    assert settings.site_timezone == "UTC"
    assert settings.max_post_bytes == 1_000_000


def test_every_missing_variable_is_named_in_one_error():
    # GIVEN an environment with none of the required variables
    # WHEN settings are read
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"SITE_TITLE": "x"})

    # THEN one error names them all, so one redeploy fixes them all
    message = str(raised.value)
    for name in REQUIRED:
        assert name in message


def test_empty_required_variables_count_as_missing():
    env = {**REQUIRED, "POSTS_TABLE": "", "SITE_URL": ""}

    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)

    message = str(raised.value)
    assert "POSTS_TABLE" in message
    assert "SITE_URL" in message
    assert "HOSTING_BUCKET" not in message


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "utc+1", "../../etc/passwd", "Europe/"])
def test_bad_timezone_is_refused(zone: str):
    with pytest.raises(SettingsError, match="SITE_TIMEZONE") as raised:
        Settings.from_env({**REQUIRED, "SITE_TIMEZONE": zone})

    assert repr(zone) in str(raised.value)


@pytest.mark.parametrize("name", ["MAX_POST_BYTES", "INDEX_PAGE_SIZE"])
@pytest.mark.parametrize("raw", ["0", "-1", "ten", "1.5", " "])
def test_non_positive_or_non_numeric_sizes_are_refused(name: str, raw: str):
    with pytest.raises(SettingsError, match=f"{name}=.*must be a positive whole number"):
        Settings.from_env({**REQUIRED, name: raw})


def test_every_bad_value_is_named_in_one_error():
    # GIVEN two unusable optional values
    env = {**REQUIRED, "SITE_TIMEZONE": "Mars/Olympus_Mons", "MAX_POST_BYTES": "0"}

    # WHEN settings are read
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)

    # THEN, as from_env promises ("naming every missing or bad one at once"), both are named
    message = str(raised.value)
    assert "MAX_POST_BYTES" in message
    assert "SITE_TIMEZONE" in message


def test_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    for name in ("SITE_TITLE", "SITE_TIMEZONE", "MAX_POST_BYTES", "INDEX_PAGE_SIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SITE_TITLE", "From the environment")

    assert Settings.from_env().site_title == "From the environment"


EVERY_FUNCTION = {
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_LOG_LEVEL",
    "AWS_ENDPOINT_URL",  # boto3 reads it: empty on AWS, an emulated stack's endpoint with sam local
}


def test_the_sam_local_invoke_environment_example_names_what_each_function_reads():
    import json
    from pathlib import Path

    example = json.loads((Path(__file__).parents[2] / "events" / "env.example.json").read_text())
    assert set(example) == set(FUNCTIONS)
    for function, variables in example.items():
        missing = FUNCTIONS[function].required() - set(variables)
        extra = set(variables) - FUNCTIONS[function].variables() - EVERY_FUNCTION
        assert not missing, f"events/env.example.json lacks {missing} for {function}"
        assert not extra, f"events/env.example.json gives {function} {sorted(extra)}, which it never reads"


def template_variables() -> dict[str, set[str]]:
    """Each function's environment as SAM gives it: the Globals' variables and its own."""
    template = load_template(Path(__file__).parents[2] / "template.yaml")
    shared = set(template["Globals"]["Function"]["Environment"]["Variables"])
    return {
        function: shared
        | set(template["Resources"][function]["Properties"].get("Environment", {}).get("Variables", {}))
        for function in FUNCTIONS
    }


def test_the_template_gives_each_function_every_variable_it_requires():
    for function, variables in template_variables().items():
        missing = FUNCTIONS[function].required() - variables
        assert not missing, f"template.yaml does not give {function} {sorted(missing)}"


def test_the_template_gives_each_function_only_variables_it_reads():
    for function, variables in template_variables().items():
        extra = variables - FUNCTIONS[function].variables() - EVERY_FUNCTION
        assert not extra, f"template.yaml gives {function} {sorted(extra)}, which its settings never read"


@pytest.mark.parametrize(
    ("settings", "required"),
    [
        (AssetsSettings, {"HOSTING_BUCKET"}),
        (ImagesSettings, {"HOSTING_BUCKET", "POSTS_TABLE", "EVENT_BUS_NAME"}),
        (NotifySettings, {"TOPIC_ARN", "POSTS_TABLE"}),
        (ValidateSettings, {"EVENT_BUS_NAME"}),
        (AggregateSettings, {"HOSTING_BUCKET", "POSTS_TABLE", "SITE_URL", "EVENT_BUS_NAME"}),
        (RepublishSettings, RenderSettings.required() | {"REPUBLISH_QUEUE_URL"}),
    ],
)
def test_each_function_requires_only_what_it_uses(settings: type[FunctionSettings], required: set[str]):
    assert settings.required() == required


def test_assets_function_starts_with_its_two_variables():
    settings = AssetsSettings.from_env({"HOSTING_BUCKET": "site", "DISTRIBUTION_ID": "E123"})

    assert (settings.hosting_bucket, settings.distribution_id) == ("site", "E123")


def test_a_bad_backoff_is_named():
    with pytest.raises(SettingsError, match="WEBHOOK_BACKOFF_SECONDS='soon' must be a number of seconds"):
        NotifySettings.from_env({"TOPIC_ARN": "t", "POSTS_TABLE": "p", "WEBHOOK_BACKOFF_SECONDS": "soon"})
