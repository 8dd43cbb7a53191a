"""The README's role table, cell by cell, over the API: each person of the test chain
(``tests/scoping.py``) tries each write on each lead, and the answer and the lead afterwards
are what the table says. "ok" is done; 403 is 90034 (seen, not theirs to do); 404 is 92001
(out of sight, answered as a missing lead); in bulk the same codes come per item.

The chain: alice and ann are associates of S1, mike its store manager, zoe the zone manager
of WEST (S1, S2), bob an associate of S3 (EAST), boss an admin, nobody holds no role.
alice_s1 is alice's, ann_s1 ann's, free_s1 nobody's (S1); s2 is unowned at S2; s3 is bob's;
org has no store and was recorded by nobody."""

import pytest

from crm.org.models import Role
from leads.models import Lead, Status, StoreChange
from tests.factories import ReasonFactory, UserFactory, give_role
from tests.scoping import build_world

from .conftest import codes

pytestmark = pytest.mark.django_db

TABLE = """
action  who     alice_s1 ann_s1 free_s1 s2  s3  org
change  alice   ok       403    ok      404 404 404
change  mike    ok       ok     ok      404 404 404
change  zoe     ok       ok     ok      ok  404 404
change  bob     404      404    404     404 ok  404
change  boss    ok       ok     ok      ok  ok  ok
change  nobody  404      404    404     404 404 ok
claim   alice   ok       403    ok      404 404 404
claim   mike    ok       ok     ok      404 404 404
claim   zoe     ok       ok     ok      ok  404 404
claim   bob     404      404    404     404 ok  404
claim   boss    ok       ok     ok      ok  ok  ok
claim   nobody  404      404    404     404 404 ok
give    alice   403      403    403     404 404 404
give    mike    ok       ok     ok      404 404 404
give    zoe     ok       ok     ok      403 404 404
give    bob     404      404    404     404 403 404
give    boss    ok       ok     ok      ok  ok  ok
give    nobody  404      404    404     404 404 403
move    alice   403      403    403     404 404 404
move    mike    ok       ok     ok      404 404 404
move    zoe     ok       ok     ok      ok  404 404
move    bob     404      404    404     404 403 404
move    boss    ok       ok     ok      ok  ok  ok
move    nobody  404      404    404     404 404 403
close   alice   403      403    403     404 404 404
close   mike    ok       ok     ok      404 404 404
close   zoe     ok       ok     ok      ok  404 404
close   bob     404      404    404     404 403 404
close   boss    ok       ok     ok      ok  ok  ok
close   nobody  404      404    404     404 404 403
"""


def cells():
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    for action, who, *answers in rows:
        for lead, answer in zip(header[2:], answers, strict=True):
            yield pytest.param(action, who, lead, answer, id=f"{action}-{who}-{lead}")


# "give" hands the lead to amy, another associate of S1 who holds none of them; "move" sends
# it to another store.
GIVE_TO = "amy"
MOVE_TO = {"alice_s1": "S2", "ann_s1": "S2", "free_s1": "S2", "s2": "S1", "s3": "S1", "org": "S1"}


@pytest.mark.parametrize(("action", "who", "name", "answer"), list(cells()))
def test_the_role_table(client_for, action, who, name, answer):
    world = build_world()
    give_role(UserFactory(username=GIVE_TO), Role.ASSOCIATE, world.units["S1"])
    reason = ReasonFactory()
    lead = world.leads[name]
    before = Lead.objects.get(pk=lead.pk)
    client = client_for(world.users[who])
    url = f"/v2/leads/{lead.pk}"

    if action == "close":
        body = [{"leadId": lead.pk, "status": "LOST", "reasonId": reason.pk}]
        response = client.post("/v2/leads/bulk/status", body, format="json")
        assert response.status_code == 200, response.json()
        got = [e["code"] for e in response.json()["data"][0]["errors"]]
    else:
        if action == "change":
            response = client.put(f"{url}/status", {"status": "ON_HOLD"}, format="json")
        elif action == "claim":
            response = client.put(url, {"owner": who}, format="json")
        elif action == "give":
            response = client.put(url, {"owner": GIVE_TO}, format="json")
        else:
            response = client.put(url, {"storeCode": MOVE_TO[name]}, format="json")
        got = codes(response) if response.status_code >= 400 else []
        expected_status = 200 if answer == "ok" else int(answer)
        assert response.status_code == expected_status, response.json()

    assert got == {"ok": [], "403": [90034], "404": [92001]}[answer]
    after = Lead.objects.select_related("owner", "store").get(pk=lead.pk)
    done = answer == "ok"
    if action == "change":
        assert after.status == (Status.ON_HOLD if done else before.status)
    elif action == "close":
        assert after.status == (Status.LOST if done else before.status)
    elif action in ("claim", "give"):
        wanted = who if action == "claim" else GIVE_TO
        owner = after.owner.username if after.owner else None
        assert owner == (wanted if done else (before.owner.username if before.owner else None))
    else:
        store = after.store.code if after.store else None
        assert store == (MOVE_TO[name] if done else (before.store.code if before.store else None))
        assert StoreChange.objects.filter(lead=lead).exists() is done
