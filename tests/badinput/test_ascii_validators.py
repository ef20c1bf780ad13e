"""Every validator refuses look-alikes: a trailing newline, a leading space, non-ASCII digits
(Arabic-Indic) and full-width characters. `$` accepts "x\\n" and `\\d` any Unicode digit: values
like "cc-prod\\n" or "١٢٣٤٥٦٧٨٩٠١٢" used to pass preview and fail later at AWS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from genesys_eventbridge.cli.output import NO_LIMIT, terminal_width
from genesys_eventbridge.components.args import RuleArgs, SubscriptionArgs
from genesys_eventbridge.components.lambda_arns import check_function_arn
from genesys_eventbridge.components.limits import SubscriptionArgsError
from genesys_eventbridge.components.patterns import PatternError, validate_pattern
from genesys_eventbridge.components.plan import plan_subscription
from genesys_eventbridge.components.stack_config import StackConfigError, parse_subscriptions
from genesys_eventbridge.emulator.validation import activation_problem
from genesys_eventbridge.provider import schema
from genesys_eventbridge.provider.genesys import ConfigurationError, Settings

TOPIC = "v2.detail.events.conversation.{id}.customer.start"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def look_alikes(valid: str) -> dict[str, str]:
    """`valid` with a trailing newline, a leading space, non-ASCII digits, full-width letters."""
    digits = valid.translate(ARABIC_INDIC)
    return {
        "trailing-newline": valid + "\n",
        "leading-space": " " + valid,
        "arabic-indic-digits": digits if digits != valid else valid + "٣",
        "full-width": valid.translate(FULL_WIDTH),
    }


def provider_input(key: str) -> Callable[[str], str | None]:
    """The failure `pulumi preview` shows for a resource input, or None when Check accepts it."""

    def check(value: str) -> str | None:
        news: dict[str, Any] = {
            "aws_account_id": "123456789012",
            "aws_region": "eu-west-1",
            "event_source_suffix": "cc-prod",
            "topics": [TOPIC],
            "resource_name": "sweep",
        }
        news[key] = [value] if key == "topics" else value
        _, failures = schema.check_inputs({}, news)
        assert all(f.property == key for f in failures), failures
        return failures[0].reason if failures else None

    return check


def component(field: str) -> Callable[[str], str | None]:
    """The component's own check (it runs in the program, before any provider)."""

    def check(value: str) -> str | None:
        args = SubscriptionArgs(topics=[TOPIC])
        if field == "event_source_suffix":
            args = SubscriptionArgs(topics=[TOPIC], event_source_suffix=value)
        else:
            args = SubscriptionArgs(topics=[TOPIC], rules=[RuleArgs(name=value)])
        try:
            plan_subscription("sweep", args)
        except SubscriptionArgsError as err:
            return str(err)
        return None

    return check


def function_arn(value: str) -> str | None:
    try:
        check_function_arn(value, None, field="lambda_arn")
    except SubscriptionArgsError as err:
        return str(err)
    return None


def stack_config_name(value: str) -> str | None:
    try:
        parse_subscriptions([{"name": value, "topics": [TOPIC]}])
    except StackConfigError as err:
        assert "subscriptions[0].name" in str(err)
        return str(err)
    return None


def cidr(value: str) -> str | None:
    try:
        validate_pattern({"detail": {"ip": [{"cidr": f"10.0.0.0/{value}"}]}}, rule="sweep")
    except PatternError as err:
        assert "integer /mask" in str(err), err  # the right reason, not "not a network"
        return str(err)
    return None


def retry_budget(value: str) -> str | None:
    try:
        Settings.resolve(
            {"genesyscloud:region": "eu-west-1", "genesyscloud:retryBudget": value}, environ={}
        )
    except ConfigurationError as err:
        assert "genesyscloud:retryBudget" in str(err)
        return str(err)
    return None


def emulator_activation(key: str) -> Callable[[str], str | None]:
    """What the emulator (standing in for Genesys) says when activation would fail."""

    def check(value: str) -> str | None:
        properties = {
            "awsAccountId": "123456789012",
            "awsAccountRegion": "eu-west-1",
            "eventSourceSuffix": "cc-prod",
            "eventFilter": [TOPIC],
        }
        properties[key] = value
        problem = activation_problem(properties, {TOPIC})
        return problem["message"] if problem else None

    return check


# (validator, a value it accepts, the look-alikes that need not be refused)
VALIDATORS: dict[str, tuple[Callable[[str], str | None], str, frozenset[str]]] = {
    "provider aws_account_id": (provider_input("aws_account_id"), "123456789012", frozenset()),
    "provider aws_region": (provider_input("aws_region"), "us-east-1", frozenset()),
    "provider event_source_suffix": (provider_input("event_source_suffix"), "cc-prod", frozenset()),
    "provider topics": (provider_input("topics"), "v2.users.{id}.presence", frozenset()),
    "provider adopt_integration_id": (
        provider_input("adopt_integration_id"),
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        frozenset(),
    ),
    # A display name: any script is fine, so only the whitespace look-alikes are refused.
    "provider integration_name": (
        provider_input("integration_name"),
        "contact-centre 2",
        frozenset({"arabic-indic-digits", "full-width"}),
    ),
    "component event_source_suffix": (component("event_source_suffix"), "cc-prod", frozenset()),
    "component rule name": (component("rule"), "sales-2", frozenset()),
    "component lambda_arn": (
        function_arn,
        "arn:aws:lambda:eu-west-1:123456789012:function:callback-1",
        frozenset(),
    ),
    "stack config subscriptions[].name": (stack_config_name, "contact-centre-1", frozenset()),
    "filter policy cidr mask": (cidr, "24", frozenset()),
    # Settings strip surrounding whitespace on purpose (an exported value often ends in "\n"):
    # what they use is the stripped value, so only non-ASCII look-alikes are refused.
    "setting genesyscloud:retryBudget": (
        retry_budget,
        "30",
        frozenset({"trailing-newline", "leading-space"}),
    ),
    "emulator awsAccountId": (emulator_activation("awsAccountId"), "123456789012", frozenset()),
    "emulator awsAccountRegion": (
        emulator_activation("awsAccountRegion"),
        "us-east-1",
        frozenset(),
    ),
    "emulator eventSourceSuffix": (
        emulator_activation("eventSourceSuffix"),
        "cc-prod",
        frozenset(),
    ),
}
CASES = [
    pytest.param(name, kind, bad, id=f"{name}-{kind}")
    for name, (_, valid, tolerated) in VALIDATORS.items()
    for kind, bad in look_alikes(valid).items()
    if kind not in tolerated
]


@pytest.mark.parametrize("name", list(VALIDATORS))
def test_each_validator_accepts_its_valid_example(name: str) -> None:
    validate, valid, _ = VALIDATORS[name]
    assert validate(valid) is None


@pytest.mark.parametrize(("name", "kind", "bad"), CASES)
def test_each_validator_refuses_look_alikes(name: str, kind: str, bad: str) -> None:
    validate, _, _ = VALIDATORS[name]
    problem = validate(bad)
    assert problem is not None, f"{name} accepted {bad!r} ({kind})"


def test_columns_with_non_ascii_digits_fall_back_to_the_default_width() -> None:
    import io

    assert terminal_width(io.StringIO(), {"COLUMNS": "٣٠"}) == NO_LIMIT  # not digits: ignored
    assert terminal_width(io.StringIO(), {"COLUMNS": "30"}) == 30
