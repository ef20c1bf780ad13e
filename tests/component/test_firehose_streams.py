"""The streams the component makes for Firehose targets: one event per line, failed records
under their own prefix, delivery errors logged, and objects encrypted with your key."""

from __future__ import annotations

import json
from typing import Any

import pytest

from genesys_eventbridge.components import (
    GenesysEventBridgeSubscription,
    RuleArgs,
    SubscriptionArgs,
    SubscriptionArgsError,
)
from genesys_eventbridge.components.targets import FirehoseTarget
from tests.mocking import ACCOUNT_ID, REGION, Deployment, run_program

TOPICS = ["v2.detail.events.conversation.{id}.acd.start"]
BUCKET = "arn:aws:s3:::cx-analytics"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"


def deploy(target: FirehoseTarget) -> Deployment:
    return run_program(
        lambda: GenesysEventBridgeSubscription(
            "cx",
            SubscriptionArgs(topics=TOPICS, rules=[RuleArgs(name="f", targets=[target])]),
        )
    )


def stream_policy(deployment: Deployment) -> dict[str, Any]:
    return json.loads(deployment.named("cx-firehose-stream-role-policy").inputs["policy"])


def test_your_key_encrypts_the_objects_and_the_role_may_use_it_through_s3_only() -> None:
    deployment = deploy(FirehoseTarget(bucket_arn=BUCKET, kms_key_arn=KEY))
    s3 = deployment.one(STREAM).inputs["extendedS3Configuration"]
    assert s3["kmsKeyArn"] == KEY
    (statement,) = [
        s
        for s in stream_policy(deployment)["Statement"]
        if s["Sid"].startswith("EncryptObjectsWithYourKey")
    ]
    assert statement["Resource"] == KEY
    assert statement["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    assert statement["Condition"] == {
        "StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": f"{BUCKET}/*"},
    }


def test_without_a_key_the_role_has_no_kms_grant() -> None:
    deployment = deploy(FirehoseTarget(bucket_arn=BUCKET))
    assert "kms" not in json.dumps(stream_policy(deployment))
    assert "kmsKeyArn" not in deployment.one(STREAM).inputs["extendedS3Configuration"]


def test_records_may_stay_back_to_back_and_errors_go_where_asked() -> None:
    deployment = deploy(
        FirehoseTarget(bucket_arn=BUCKET, newline_delimited=False, error_prefix="failed/")
    )
    s3 = deployment.one(STREAM).inputs["extendedS3Configuration"]
    assert "processingConfiguration" not in s3
    assert s3["errorOutputPrefix"] == "failed/"
    by_sid = {s["Sid"]: s["Resource"] for s in stream_policy(deployment)["Statement"]}
    assert by_sid["ErrorObjectsUnderPrefix"] == f"{BUCKET}/failed/*"


@pytest.mark.parametrize(
    ("target", "field", "words"),
    [
        (
            FirehoseTarget(bucket_arn=BUCKET, error_prefix="genesys/errors/"),
            "error_prefix",
            "is under prefix 'genesys/'",
        ),
        (
            FirehoseTarget(bucket_arn=BUCKET, kms_key_arn=f"arn:aws:kms:{REGION}:1:alias/s3"),
            "kms_key_arn",
            "not a KMS key ARN",
        ),
        (
            FirehoseTarget(
                delivery_stream_arn=f"arn:aws:firehose:{REGION}:1:deliverystream/x",
                kms_key_arn=KEY,
            ),
            "kms_key_arn",
            "applies to a stream the component makes",
        ),
    ],
)
def test_bad_stream_options_are_refused(target: FirehoseTarget, field: str, words: str) -> None:
    with pytest.raises(SubscriptionArgsError) as caught:
        deploy(target)
    assert caught.value.field == f"rules.targets[0].{field}"
    assert words in str(caught.value)
