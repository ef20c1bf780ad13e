"""The public API reads well in an editor and in `help()`: every field documented, every
argument class exported beside SubscriptionArgs."""

from __future__ import annotations

import dataclasses
import pydoc

import pytest

import genesys_eventbridge
import genesys_eventbridge.components as components
from genesys_eventbridge.components import targets
from genesys_eventbridge.components.field_docs import field_docstrings

TARGET_CLASSES = [
    components.LambdaTarget,
    components.SqsTarget,
    components.FirehoseTarget,
    components.StepFunctionsTarget,
    components.LogGroupTarget,
    components.EventBusTarget,
    components.HttpsTarget,
]
ARGUMENT_CLASSES = [
    components.SubscriptionArgs,
    components.RuleArgs,
    components.LambdaCodeArgs,
    components.RetryPolicyArgs,
    components.AsyncInvokeArgs,
    components.AlarmArgs,
    components.ArchiveArgs,
    components.QuotaArgs,
    components.InputTransformerArgs,
    components.ApiKeyAuth,
    components.BasicAuth,
    components.OAuthClientCredentialsAuth,
    *TARGET_CLASSES,
]


@pytest.mark.parametrize("cls", ARGUMENT_CLASSES, ids=lambda c: c.__name__)
def test_help_shows_every_field_with_its_docstring(cls: type) -> None:
    # pydoc draws a "|" margin down the class's lines: read the words alone.
    text = pydoc.render_doc(cls, renderer=pydoc.TextDoc())
    shown = " ".join(word for word in text.split() if word != "|")
    docs = field_docstrings(cls)
    for field in dataclasses.fields(cls):
        assert field.name in docs, f"{cls.__name__}.{field.name} has no docstring"
        assert f"{field.name}: " in shown, field.name
        assert " ".join(docs[field.name].split()) in shown, field.name


def test_help_of_a_field_gives_its_type_and_default() -> None:
    doc = components.SubscriptionArgs.__doc__ or ""
    assert "    partner_source_timeout: int = 300\n" in doc
    assert "    retry_policy: RetryPolicyArgs = RetryPolicyArgs()\n" in doc
    assert "    topics: Sequence[str]\n" in doc  # required: no default
    assert "lambdaCode.path" in (components.LambdaCodeArgs.__doc__ or "")


def test_dir_offers_the_public_names_only() -> None:
    assert dir(components) == sorted(components.__all__)
    for name in components.__all__:
        assert getattr(components, name) is not None
    # Every argument class is exported where SubscriptionArgs is, and the targets beside.
    for cls in ARGUMENT_CLASSES:
        assert getattr(components, cls.__name__) is cls
        if cls.__module__.endswith("targets.args"):
            assert getattr(targets, cls.__name__) is cls


def test_rule_targets_are_typed() -> None:
    [field] = [f for f in dataclasses.fields(components.RuleArgs) if f.name == "targets"]
    assert field.type == "Sequence[str | Target] | None"


def test_the_package_has_a_version() -> None:
    major, minor, patch = genesys_eventbridge.__version__.split(".")
    assert all(part.isdigit() for part in (major, minor, patch))
