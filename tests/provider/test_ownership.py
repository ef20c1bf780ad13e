"""The owner marks a create leaves on an integration, read back as the user and Genesys see them."""

from __future__ import annotations

from genesys_eventbridge.provider.ownership import (
    describe_owner,
    is_provisional_of,
    mark_notes,
    owner_of,
    owner_tag,
    provisional_name,
    split_notes,
)

OWNER = owner_of("contact-centre", "prod", "orders")


def test_the_marker_follows_the_users_notes_and_is_read_back_without_them() -> None:
    notes = mark_notes("Owned by the CX team", OWNER)
    assert notes == (
        "Owned by the CX team\n\n[managed by genesys-eventbridge: contact-centre/prod/orders]"
    )
    assert split_notes(notes) == ("Owned by the CX team", OWNER)
    assert split_notes(mark_notes(None, OWNER)) == (None, OWNER)


def test_notes_without_a_marker_name_no_owner() -> None:
    assert split_notes("[managed by genesys-eventbridge: x/y/z] but then more") == (
        "[managed by genesys-eventbridge: x/y/z] but then more",
        None,
    )
    assert split_notes(None) == (None, None)
    # An owner that could break the marker line is not written at all.
    assert mark_notes("n", "a/b/c]\n[x") == "n"


def test_a_provisional_name_carries_its_owners_tag_and_another_owner_differs() -> None:
    name = provisional_name("orders-abc1234", OWNER)
    assert is_provisional_of("orders-abc1234", name)
    assert name.endswith(f" for {owner_tag(OWNER)})")
    assert owner_tag(owner_of("contact-centre", "dev", "orders")) != owner_tag(OWNER)
    # Names from before owner tags are still recognised as provisional (and prove nothing).
    assert is_provisional_of("orders-abc1234", "orders-abc1234 (creating 0123abcd)")


def test_whose_an_integration_is_reads_as_a_phrase() -> None:
    assert describe_owner(OWNER) == "resource 'orders' of stack 'prod' in project 'contact-centre'"
    assert describe_owner(None).startswith("no resource that marked it")
