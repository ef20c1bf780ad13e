"""Every matcher, with the positive and negative examples of AWS's documentation.

Sources of the cases: "Content filtering in Amazon EventBridge event patterns", "Comparison
operators for use in event patterns", "Arrays in event patterns", "Matching null values and empty
strings" (AWS EventBridge user guide), and the README of Event Ruler (github.com/aws/event-ruler),
the matching library EventBridge runs. Cases marked "Ruler" come from Ruler's README or code.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from genesys_eventbridge.components.patterns import (
    KNOWN_OPERATORS,
    PatternError,
    matches,
    validate_pattern,
)

# The sample event of the docs and of Ruler's README.
EC2_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "012345679012",
    "time": "2017-10-02T16:24:49Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
    "detail": {
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.33",
        "instance-id": "i-000000aaaaaa00000",
        "state": "running",
    },
}


def ec2(**detail: Any) -> dict[str, Any]:
    """EC2_EVENT with detail fields replaced (None-valued kwargs named _drop_x remove x)."""
    event = copy.deepcopy(EC2_EVENT)
    for key, value in detail.items():
        if key.startswith("_drop_"):
            event["detail"].pop(key[len("_drop_") :].replace("_", "-"), None)
        else:
            event["detail"][key.replace("_", "-")] = value
    return event


def detail(**fields: Any) -> dict[str, Any]:
    """An event whose detail holds exactly `fields`."""
    return {"source": "test", "detail": {k.replace("_", "-"): v for k, v in fields.items()}}


STATE_RULE = {
    "detail-type": ["EC2 Instance State-change Notification"],
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
    "detail": {"state": ["initializing", "running"]},
}
RESOURCES_RULE = {
    "resources": [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
    ]
}
NUMERIC_RULE = {
    "detail": {
        "c-count": [{"numeric": [">", 0, "<=", 5]}],
        "d-count": [{"numeric": ["<", 10]}],
        "x-limit": [{"numeric": ["=", 3.018e2]}],
    }
}
COMPLEX_RULE = {
    "time": [{"prefix": "2017-10-02"}],
    "detail": {
        "state": [{"anything-but": "initializing"}],
        "c-count": [{"numeric": [">", 0, "<=", 5]}],
        "d-count": [{"numeric": ["<", 10]}],
        "x-limit": [{"anything-but": [100, 200, 300]}],
        "source-ip": [{"cidr": "10.0.0.0/8"}],
    },
}
OR_RULE = {
    "source": ["aws.cloudwatch"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency"]},
        {"namespace": ["AWS/EC2", "AWS/ES"]},
    ],
}
NESTED_OR_RULE = {
    "source": ["aws.cloudwatch"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency"]},
        {
            "metricType": ["MetricType"],
            "namespace": ["AWS/EC2", "AWS/ES"],
            "$or": [{"metricId": [1234]}, {"spaceId": [1000]}],
        },
        {"scope": ["Service"]},
    ],
}
EMPLOYEES = {
    "employees": [
        {"firstName": "John", "lastName": "Doe"},
        {"firstName": "Anna", "lastName": "Smith"},
        {"firstName": "Peter", "lastName": "Jones"},
    ]
}
EMPLOYEES_NESTED = {
    "employees": [
        [{"firstName": "John", "lastName": "Doe"}, {"firstName": "Anna", "lastName": "Smith"}],
        [{"firstName": "Peter", "lastName": "Jones"}],
    ]
}

CASES = [
    # exact values and arrays
    pytest.param(STATE_RULE, EC2_EVENT, True, id="exact-docs-sample-matches"),
    pytest.param(STATE_RULE, ec2(state="stopped"), False, id="exact-other-value"),
    pytest.param(
        RESOURCES_RULE,
        {
            "resources": [
                "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-"
                "b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
                "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
            ]
        },
        True,
        id="arrays-intersection-non-empty",
    ),
    pytest.param(
        RESOURCES_RULE,
        {"resources": ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"]},
        False,
        id="arrays-intersection-empty",
    ),
    pytest.param({"detail": {"c-count": [5]}}, EC2_EVENT, True, id="exact-number"),
    pytest.param({"detail": {"c-count": ["5"]}}, EC2_EVENT, False, id="exact-string-is-not-number"),
    pytest.param({"detail": {"x-limit": [3.018e2]}}, EC2_EVENT, True, id="exact-number-by-value"),
    pytest.param({"detail": {"flag": [True]}}, detail(flag=True), True, id="exact-true"),
    pytest.param({"detail": {"flag": [1]}}, detail(flag=True), False, id="exact-1-is-not-true"),
    pytest.param(
        {"detail": {"missing": ["x"]}}, EC2_EVENT, False, id="exact-missing-field-never-matches"
    ),
    # null and empty string (not interchangeable)
    pytest.param(
        {"detail": {"eventVersion": [""]}},
        detail(eventVersion="", responseElements=None),
        True,
        id="empty-string",
    ),
    pytest.param(
        {"detail": {"responseElements": [None]}},
        detail(eventVersion="", responseElements=None),
        True,
        id="null",
    ),
    pytest.param(
        {"detail": {"eventVersion": [None]}},
        detail(eventVersion="", responseElements=None),
        False,
        id="null-is-not-empty-string",
    ),
    pytest.param(
        {"detail": {"responseElements": [""]}},
        detail(eventVersion="", responseElements=None),
        False,
        id="empty-string-is-not-null",
    ),
    # prefix
    pytest.param({"time": [{"prefix": "2017-10-02"}]}, EC2_EVENT, True, id="prefix"),
    pytest.param({"time": [{"prefix": "2017-10-03"}]}, EC2_EVENT, False, id="prefix-other-value"),
    pytest.param(
        {"detail": {"c-count": [{"prefix": "5"}]}}, EC2_EVENT, False, id="prefix-strings-only"
    ),
    pytest.param(
        {"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}},
        detail(service="EVENTBRIDGE"),
        True,
        id="prefix-ignore-case",
    ),
    pytest.param(
        {"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}},
        detail(service="Lambda"),
        False,
        id="prefix-ignore-case-other",
    ),
    pytest.param(
        {"detail": {"service": [{"prefix": "EventB"}]}},
        detail(service="eventbridge"),
        False,
        id="prefix-is-case-sensitive",
    ),
    # suffix
    pytest.param({"source": [{"suffix": "ec2"}]}, EC2_EVENT, True, id="suffix-ruler"),
    pytest.param(
        {"detail": {"FileName": [{"suffix": ".png"}]}}, detail(FileName="a.png"), True, id="suffix"
    ),
    pytest.param(
        {"detail": {"FileName": [{"suffix": ".png"}]}},
        detail(FileName="a.PNG"),
        False,
        id="suffix-is-case-sensitive",
    ),
    pytest.param(
        {"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}},
        detail(FileName="a.PNG"),
        True,
        id="suffix-ignore-case",
    ),
    pytest.param(
        {"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}},
        detail(FileName="a.jpg"),
        False,
        id="suffix-ignore-case-other",
    ),
    # equals-ignore-case
    pytest.param(
        {"detail": {"Name": [{"equals-ignore-case": "alice"}]}},
        detail(Name="ALICE"),
        True,
        id="equals-ignore-case",
    ),
    pytest.param(
        {"detail": {"Name": [{"equals-ignore-case": "alice"}]}},
        detail(Name="Alicia"),
        False,
        id="equals-ignore-case-whole-value",
    ),
    pytest.param(
        {"source": [{"equals-ignore-case": "EC2"}]}, EC2_EVENT, False, id="equals-ignore-case-ruler"
    ),
    pytest.param(
        {"source": [{"equals-ignore-case": "AWS.EC2"}]},
        EC2_EVENT,
        True,
        id="equals-ignore-case-ruler-full",
    ),
    # wildcard
    pytest.param(
        {"detail": {"FileName": [{"wildcard": "dir/*.png"}]}},
        detail(FileName="dir/a.png"),
        True,
        id="wildcard",
    ),
    pytest.param(
        {"detail": {"FileName": [{"wildcard": "dir/*.png"}]}},
        detail(FileName="other/a.png"),
        False,
        id="wildcard-other",
    ),
    pytest.param(
        {"detail": {"t": [{"wildcard": "*Title*"}]}}, detail(t="MyTitleX"), True, id="wildcard-two"
    ),
    pytest.param(
        {"detail": {"t": [{"wildcard": "*Title*"}]}},
        detail(t="MyTitlX"),
        False,
        id="wildcard-two-no",
    ),
    pytest.param(
        {"source": [{"wildcard": "Simple*Service"}]},
        {"source": "SimpleQueueService"},
        True,
        id="wildcard-ruler",
    ),
    pytest.param(
        {"detail": {"t": [{"wildcard": "a\\*b"}]}},
        detail(t="a*b"),
        True,
        id="wildcard-escaped-star",
    ),
    pytest.param(
        {"detail": {"t": [{"wildcard": "a\\*b"}]}},
        detail(t="axb"),
        False,
        id="wildcard-escaped-star-is-literal",
    ),
    pytest.param(
        {"detail": {"t": [{"wildcard": "a*"}]}}, detail(t=5), False, id="wildcard-strings-only"
    ),
    # anything-but
    pytest.param(
        {"detail": {"state": [{"anything-but": "initializing"}]}},
        EC2_EVENT,
        True,
        id="anything-but-string",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": "initializing"}]}},
        ec2(state="initializing"),
        False,
        id="anything-but-string-excluded",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": "initializing"}]}},
        ec2(_drop_state=None),
        False,
        id="anything-but-missing-field",
    ),
    pytest.param(
        {"detail": {"x-limit": [{"anything-but": 123}]}}, EC2_EVENT, True, id="anything-but-number"
    ),
    pytest.param(
        {"detail": {"x-limit": [{"anything-but": 123}]}},
        ec2(x_limit=123),
        False,
        id="anything-but-number-excluded",
    ),
    pytest.param(
        {"detail": {"x-limit": [{"anything-but": 123}]}},
        ec2(x_limit="123"),
        True,
        id="anything-but-number-vs-string-ruler",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}},
        EC2_EVENT,
        True,
        id="anything-but-list",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}},
        ec2(state="overloaded"),
        False,
        id="anything-but-list-excluded",
    ),
    pytest.param(
        {"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}},
        EC2_EVENT,
        True,
        id="anything-but-number-list",
    ),
    pytest.param(
        {"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}},
        ec2(x_limit=200),
        False,
        id="anything-but-number-list-excluded",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": {"prefix": "init"}}]}},
        EC2_EVENT,
        True,
        id="anything-but-prefix",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": {"prefix": "init"}}]}},
        ec2(state="initializing"),
        False,
        id="anything-but-prefix-excluded",
    ),
    pytest.param(
        {"detail": {"FileName": [{"anything-but": {"suffix": ".png"}}]}},
        detail(FileName="a.jpg"),
        True,
        id="anything-but-suffix",
    ),
    pytest.param(
        {"detail": {"FileName": [{"anything-but": {"suffix": ".png"}}]}},
        detail(FileName="a.png"),
        False,
        id="anything-but-suffix-excluded",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]}},
        ec2(state="running"),
        True,
        id="anything-but-ignore-case",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]}},
        ec2(state="INITIALIZING"),
        False,
        id="anything-but-ignore-case-excluded",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": {"equals-ignore-case": ["a", "b"]}}]}},
        ec2(state="B"),
        False,
        id="anything-but-ignore-case-list-ruler",
    ),
    pytest.param(
        {"detail": {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}},
        detail(FilePath="/usr/bin/tool"),
        True,
        id="anything-but-wildcard",
    ),
    pytest.param(
        {"detail": {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}},
        detail(FilePath="/usr/lib/tool"),
        False,
        id="anything-but-wildcard-excluded",
    ),
    pytest.param(
        {"detail": {"state": [{"anything-but": "a"}]}},
        detail(state=["a", "b"]),
        True,
        id="anything-but-array-any-element",
    ),
    # numeric
    pytest.param(NUMERIC_RULE, EC2_EVENT, True, id="numeric"),
    pytest.param(NUMERIC_RULE, ec2(c_count=6), False, id="numeric-above-range"),
    pytest.param(NUMERIC_RULE, ec2(c_count=0), False, id="numeric-open-lower-bound"),
    pytest.param(NUMERIC_RULE, ec2(d_count=10), False, id="numeric-open-upper-bound"),
    pytest.param(NUMERIC_RULE, ec2(c_count="5"), False, id="numeric-json-numbers-only"),
    pytest.param(
        {"detail": {"Price": [{"numeric": ["=", 100]}]}}, detail(Price=100.0), True, id="numeric-eq"
    ),
    pytest.param(
        {"detail": {"Price": [{"numeric": [">", 10, "<=", 20]}]}},
        detail(Price=20),
        True,
        id="numeric-closed-upper-bound",
    ),
    pytest.param(
        {"detail": {"Price": [{"numeric": [">", 10, "<=", 20]}]}},
        detail(Price=True),
        False,
        id="numeric-boolean-is-not-number",
    ),
    pytest.param(
        {"detail": {"eventTime": [{"numeric": [">", 0]}]}},
        detail(eventTime=1763647431000),
        False,
        id="numeric-beyond-5e9-never-matches-ruler",
    ),
    # cidr
    pytest.param(
        {"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}},
        detail(sourceIPAddress="10.0.0.255"),
        True,
        id="cidr",
    ),
    pytest.param(
        {"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}},
        detail(sourceIPAddress="10.0.1.0"),
        False,
        id="cidr-outside",
    ),
    pytest.param(
        {"detail": {"sourceIPAddress": [{"cidr": "2001:db8::/32"}]}},
        detail(sourceIPAddress="2001:db8::1"),
        True,
        id="cidr-ipv6",
    ),
    pytest.param(
        {"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}},
        detail(sourceIPAddress="not-an-ip"),
        False,
        id="cidr-not-an-ip",
    ),
    pytest.param(
        {"detail": {"ip": ["2001:db8::1"]}},
        detail(ip="2001:0db8:0:0:0:0:0:1"),
        True,
        id="exact-ip-any-spelling-ruler",
    ),
    # exists
    pytest.param(
        {"detail": {"state": [{"exists": True}]}}, EC2_EVENT, True, id="exists-true-present"
    ),
    pytest.param(
        {"detail": {"state": [{"exists": True}]}},
        detail(c_count={"c1": 100}),
        False,
        id="exists-true-absent",
    ),
    pytest.param(
        {"detail": {"c-count": [{"exists": False}]}},
        detail(state=["initializing", "running"]),
        True,
        id="exists-false-absent",
    ),
    pytest.param(
        {"detail": {"c-count": [{"exists": False}]}},
        detail(state=["initializing", "running"], c_count={"c1": 100}),
        True,
        id="exists-false-intermediate-node-is-not-a-leaf",
    ),
    pytest.param(
        {"detail": {"c-count": [{"exists": False}]}}, EC2_EVENT, False, id="exists-false-present"
    ),
    pytest.param(
        {"detail": {"c-count": [{"exists": True}]}},
        detail(c_count=None),
        True,
        id="exists-true-null-is-a-value",
    ),
    pytest.param(
        {"detail": {"deep": {"x": [{"exists": False}]}}},
        detail(other=1),
        True,
        id="exists-false-under-missing-parent",
    ),
    # $or
    pytest.param(
        OR_RULE, {"source": "aws.cloudwatch", "metricName": "ReadLatency"}, True, id="or-first"
    ),
    pytest.param(
        OR_RULE, {"source": "aws.cloudwatch", "namespace": "AWS/ES"}, True, id="or-second"
    ),
    pytest.param(OR_RULE, {"source": "aws.cloudwatch", "metricName": "X"}, False, id="or-neither"),
    pytest.param(OR_RULE, {"source": "aws.ec2", "metricName": "ReadLatency"}, False, id="or-and"),
    pytest.param(
        NESTED_OR_RULE,
        {
            "source": "aws.cloudwatch",
            "metricType": "MetricType",
            "namespace": "AWS/EC2",
            "spaceId": 1000,
        },
        True,
        id="or-nested",
    ),
    pytest.param(
        NESTED_OR_RULE,
        {"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2"},
        False,
        id="or-nested-missing-inner",
    ),
    pytest.param(
        {"detail": {"$or": [{"c-count": [{"numeric": [">", 10]}]}, {"d-count": [3]}]}},
        EC2_EVENT,
        True,
        id="or-inside-detail-ruler",
    ),
    # arrays of objects (Ruler README, "JSON Array Matching")
    pytest.param({"employees": {"firstName": ["Anna"]}}, EMPLOYEES, True, id="array-of-objects"),
    pytest.param(
        {"employees": {"firstName": ["Anna"]}}, EMPLOYEES_NESTED, True, id="array-multi-level"
    ),
    pytest.param(
        {"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}},
        EMPLOYEES,
        False,
        id="array-consistent-elements",
    ),
    pytest.param(
        {"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}},
        EMPLOYEES,
        True,
        id="array-same-element",
    ),
    # the complex example
    pytest.param(COMPLEX_RULE, EC2_EVENT, True, id="complex"),
    pytest.param(COMPLEX_RULE, ec2(x_limit=200), False, id="complex-one-field-fails"),
]


@pytest.mark.parametrize(("pattern", "event", "expected"), CASES)
def test_documented_example(pattern: dict[str, Any], event: dict[str, Any], expected: bool) -> None:
    """The local matcher gives AWS's documented answer."""
    assert matches(pattern, event) is expected


def test_every_operator_has_a_documented_case() -> None:
    """No operator is left without a positive and a negative example above."""
    texts = [(repr(case.values[0]), case.values[2]) for case in CASES]
    for operator in KNOWN_OPERATORS:
        outcomes = {expected for text, expected in texts if f"'{operator}'" in text}
        assert outcomes == {True, False}, operator


BAD_MATCHERS = [
    pytest.param({"prefix": 5}, '"prefix" with 5', id="prefix-number"),
    pytest.param({"prefix": {"x": "a"}}, "it takes a string", id="prefix-bad-nested"),
    pytest.param({"suffix": None}, '"suffix" with null', id="suffix-null"),
    pytest.param({"equals-ignore-case": ["a"]}, "it takes a string", id="eic-list"),
    pytest.param({"wildcard": "a**b"}, "consecutive '*'", id="wildcard-double-star"),
    pytest.param({"wildcard": "a\\b"}, "escapes neither", id="wildcard-bad-escape"),
    pytest.param({"wildcard": "ab\\"}, "escapes neither", id="wildcard-trailing-backslash"),
    pytest.param({"wildcard": 3}, "it takes a string", id="wildcard-number"),
    pytest.param({"exists": "true"}, "takes true or false", id="exists-string"),
    pytest.param({"numeric": [">", 0, "<=", 5, "x"]}, "2 or 4 items", id="numeric-5-items"),
    pytest.param({"numeric": [">"]}, "2 or 4 items", id="numeric-1-item"),
    pytest.param({"numeric": "> 5"}, "2 or 4 items", id="numeric-string"),
    pytest.param({"numeric": ["!=", 5]}, "is not one of", id="numeric-bad-operator"),
    pytest.param({"numeric": [">", "5"]}, "is not a number", id="numeric-string-number"),
    pytest.param({"numeric": [">", True]}, "is not a number", id="numeric-boolean"),
    pytest.param({"numeric": ["<", 5, ">", 1]}, "lower bound", id="numeric-upper-first"),
    pytest.param({"numeric": ["=", 5, "<", 9]}, "lower bound", id="numeric-eq-in-range"),
    pytest.param({"numeric": [">", 5, "<", 5]}, "empty range", id="numeric-empty-range"),
    pytest.param({"numeric": [">", 5e9 + 1]}, "numeric range", id="numeric-too-big"),
    pytest.param({"numeric": [">", 0.1234567]}, "6 digits", id="numeric-too-precise"),
    pytest.param({"cidr": "10.0.0.0"}, "no integer /mask", id="cidr-no-mask"),
    pytest.param({"cidr": "10.0.0.0/255.0.0.0"}, "no integer /mask", id="cidr-netmask"),
    pytest.param({"cidr": "10.0.0.300/24"}, "not an IPv4 or IPv6", id="cidr-bad-address"),
    pytest.param({"cidr": "10.0.0.1/24"}, "host bits set", id="cidr-host-bits"),
    pytest.param({"cidr": "10.0.0.1/32"}, "single address", id="cidr-slash-32"),
    pytest.param({"cidr": 10}, "it takes a string", id="cidr-number"),
    pytest.param({"anything-but": True}, '"anything-but" with true', id="anything-but-bool"),
    pytest.param({"anything-but": None}, '"anything-but" with null', id="anything-but-null"),
    pytest.param({"anything-but": []}, "list of only strings", id="anything-but-empty-list"),
    pytest.param({"anything-but": ["a", 1]}, "only strings or only", id="anything-but-mixed"),
    pytest.param({"anything-but": {"prefix": ""}}, "anything-but", id="anything-but-empty-prefix"),
    pytest.param(
        {"anything-but": {"prefix": ["a"]}}, "anything-but", id="anything-but-prefix-list"
    ),
    pytest.param(
        {"anything-but": {"numeric": [">", 1]}}, "anything-but", id="anything-but-numeric"
    ),
    pytest.param({"anything-but": {"wildcard": "**"}}, "consecutive", id="anything-but-wildcard"),
    pytest.param({"anything-but": [1, 6e9]}, "numeric range", id="anything-but-number-range"),
    pytest.param({"contains": "x"}, "unknown operator 'contains'", id="unknown-operator"),
    pytest.param({"prefix": "a", "suffix": "b"}, "exactly one operator", id="two-operators"),
    pytest.param({}, "exactly one operator", id="empty-operator-object"),
]


@pytest.mark.parametrize(("matcher", "message"), BAD_MATCHERS)
def test_malformed_operator_is_rejected(matcher: dict[str, Any], message: str) -> None:
    """Each malformed operator names the rule, the dotted field and what is wrong."""
    with pytest.raises(PatternError) as raised:
        validate_pattern({"detail": {"eventBody": {"queueId": [matcher]}}}, rule="queues")
    error = raised.value
    assert (error.rule, error.field) == ("queues", "detail.eventBody.queueId")
    assert "'queues'" in str(error) and "'detail.eventBody.queueId'" in str(error)
    assert message in str(error)


def test_unknown_operator_lists_the_known_ones() -> None:
    """The fix for an unknown operator is in the message: the list of known operators."""
    with pytest.raises(PatternError, match="known operators are: anything-but, cidr, "):
        validate_pattern({"detail": {"x": [{"startswith": "a"}]}}, rule="r")


GOOD_MATCHERS = [
    {"prefix": ""},
    {"prefix": {"equals-ignore-case": "EventB"}},
    {"suffix": {"equals-ignore-case": ".png"}},
    {"wildcard": "a\\*b\\\\c*"},
    {"wildcard": "\\**"},
    {"numeric": [">=", -5e9, "<", 5e9]},
    {"numeric": ["=", 3.018e2]},
    {"numeric": [">", 0.123456]},
    {"cidr": "2001:db8::/32"},
    {"cidr": "0.0.0.0/0"},
    {"anything-but": [100, 200.5]},
    {"anything-but": {"equals-ignore-case": ["a", "b"]}},
    {"anything-but": {"wildcard": "*/lib/*"}},
    {"exists": False},
    None,
    True,
    12345678901234,
    "",
]


@pytest.mark.parametrize("matcher", GOOD_MATCHERS, ids=repr)
def test_well_formed_matcher_is_accepted(matcher: Any) -> None:
    """AWS's documented forms validate."""
    validate_pattern({"detail": {"x": [matcher]}}, rule="r")


BAD_STRUCTURES = [
    pytest.param({"detail": {"x": "a"}}, "detail.x", 'write ["a"]', id="scalar-leaf"),
    pytest.param({"detail": {"x": 5}}, "detail.x", "write [5]", id="number-leaf"),
    pytest.param({"detail": {"x": []}}, "detail.x", "empty array", id="empty-array"),
    pytest.param({"detail": {}}, "detail", "empty object", id="empty-object"),
    pytest.param(
        {"detail": {"x": {"prefix": "a"}}},
        "detail.x",
        'write [{"prefix": "a"}]',
        id="operator-outside-array",
    ),
    pytest.param({"detail": {"x": [["a"]]}}, "detail.x", "nested array", id="nested-array"),
    pytest.param({"$or": [{"a": ["x"]}]}, "$or", "at least 2", id="or-one-branch"),
    pytest.param({"$or": {"a": ["x"]}}, "$or", "at least 2", id="or-object"),
    pytest.param({"$or": [{"a": ["x"]}, "b"]}, "$or[1]", "object of fields", id="or-non-object"),
    pytest.param({"$or": [{"a": ["x"]}, {}]}, "$or[1]", "empty object", id="or-empty-branch"),
    pytest.param(
        {"$or": [{"a": ["x"]}, {"prefix": ["b"]}]},
        "$or[1].prefix",
        "reserves",
        id="or-reserved-field-name",
    ),
    pytest.param(
        {"$or": [{"a": ["x"]}, {"b": {"prefix": "x"}}]},
        "$or[1].b",
        'write [{"prefix": "x"}]',
        id="or-operator-outside-array",
    ),
    pytest.param(
        {"detail": {"$or": [{"a": [1]}, {"b": [{"numeric": ["<"]}]}]}},
        "detail.$or[1].b",
        "2 or 4 items",
        id="or-nested-error-path",
    ),
]


@pytest.mark.parametrize(
    ("matcher", "inside", "at_its_end"),
    [
        ({"suffix": ".png"}, "x.png.exe", "x.exe.png"),
        ({"suffix": {"equals-ignore-case": ".png"}}, "x.PNG.exe", "x.exe.PNG"),
        ({"prefix": "img-"}, "old-img-1", "img-old-1"),
        ({"prefix": {"equals-ignore-case": "img-"}}, "old-IMG-1", "IMG-old-1"),
    ],
)
def test_prefix_and_suffix_match_only_at_their_end_of_the_text(
    matcher: dict[str, Any], inside: str, at_its_end: str
) -> None:
    """Text found in the middle of the value is neither a prefix nor a suffix of it."""
    pattern = {"detail": {"FileName": [matcher]}}
    assert not matches(pattern, detail(FileName=inside))
    assert matches(pattern, detail(FileName=at_its_end))
    if all(isinstance(text, str) for text in matcher.values()):  # anything-but takes no nesting
        # anything-but excludes only what the matcher matches: the middle is let through.
        excluded = {"detail": {"FileName": [{"anything-but": matcher}]}}
        assert matches(excluded, detail(FileName=inside))
        assert not matches(excluded, detail(FileName=at_its_end))


@pytest.mark.parametrize(("pattern", "field", "message"), BAD_STRUCTURES)
def test_malformed_structure_is_rejected(pattern: dict[str, Any], field: str, message: str) -> None:
    """Structural errors name the dotted path and show the fix."""
    with pytest.raises(PatternError) as raised:
        validate_pattern(pattern, rule="r")
    assert raised.value.field == field
    assert message in str(raised.value)


def test_field_named_like_an_operator_is_fine_outside_or() -> None:
    """Outside "$or", an event field may be called "prefix" (only "$or" reserves the names)."""
    pattern = {"detail": {"prefix": ["x"]}}
    validate_pattern(pattern, rule="r")
    assert matches(pattern, detail(prefix="x"))


def test_matches_rejects_an_invalid_pattern_instead_of_guessing() -> None:
    """Unlike moto, an unknown operator is an error, not a silent match."""
    with pytest.raises(PatternError, match="unknown operator"):
        matches({"detail": {"x": [{"contains": "a"}]}}, detail(x="abc"))
