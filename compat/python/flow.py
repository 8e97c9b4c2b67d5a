"""The operator and monitoring flow the Python clients run against Klaxon (pdpyras and `pagerduty`
share their REST and Events API interfaces: rget/rpost/rput, iter_all, find, persist, trigger...).
Prints PASS/FAIL per step; the caller exits 1 when any step failed."""

import os
import time
from datetime import datetime, timedelta, timezone

failures = 0


def step(name):
    def run(fn):
        global failures
        try:
            fn()
            print(f"PASS {name}", flush=True)
        except Exception as err:  # every failure is reported as the step's, then the flow goes on
            failures += 1
            detail = str(err).replace("\n", " ")[:500]
            print(f"FAIL {name}: {type(err).__name__}: {detail}", flush=True)
        return fn

    return run


def expect(ok, what):
    if not ok:
        raise AssertionError(what)


def eventually(what, cond, seconds=60):
    deadline = time.time() + seconds
    while True:
        try:
            value = cond()
            if value:
                return value
        except Exception:
            if time.time() > deadline:
                raise
        if time.time() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.25)


def iso(delta_hours=0.0):
    return (datetime.now(timezone.utc) + timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(lib, rest, events, change_event, http_error):
    """lib: the client's name; rest: its REST session; events(routing_key): its Events API session;
    change_event(routing_key, summary, source, timestamp): sends a change event the client's way;
    http_error: the exception class it raises for an HTTP error."""
    base, run_id, sender = os.environ["KLAXON_URL"], os.environ["KLAXON_RUN"], os.environ["KLAXON_FROM"]
    name = lambda s: f"{lib} {s} {run_id}"  # noqa: E731
    state = {}

    @step("users: current user, create, follow self links (rget a dict)")
    def _():
        state["me"] = rest.rget("/users/me")
        user = rest.rpost("/users", json={"type": "user", "name": name("Responder"), "email": f"{lib}-{run_id}@example.com"})
        again = rest.rget(user)  # follows user["self"], which must be under the client's base URL
        expect(again["id"] == user["id"] and user["self"].startswith(base), f"self {user['self']} not under {base}")
        state["user"] = user

    @step("teams: persist (find or create) by name, add a member")
    def _():
        team = rest.persist("/teams", "name", {"type": "team", "name": name("Team")})
        again = rest.persist("/teams", "name", {"type": "team", "name": name("Team")})
        expect(team["id"] == again["id"], "persist created the team twice")
        rest.rput(f"/teams/{team['id']}/users/{state['user']['id']}", json={"role": "responder"})
        members = rest.list_all(f"/teams/{team['id']}/members")
        expect([m["user"]["id"] for m in members] == [state["user"]["id"]], f"members {members}")
        state["team"] = team

    @step("schedules: create a daily rotation, render the final schedule")
    def _():
        start = iso(-1)
        schedule = rest.rpost("/schedules", json={"schedule": {
            "type": "schedule", "name": name("Schedule"), "time_zone": "America/New_York",
            "schedule_layers": [{
                "name": "Layer 1", "start": start, "rotation_virtual_start": start, "rotation_turn_length_seconds": 86400,
                "users": [{"user": {"id": state["user"]["id"], "type": "user_reference"}}],
            }],
        }})
        rendered = rest.rget(f"/schedules/{schedule['id']}", params={"since": iso(), "until": iso(24)})
        entries = rendered["final_schedule"]["rendered_schedule_entries"]
        expect(entries and entries[0]["user"]["id"] == state["user"]["id"], f"final schedule {entries}")
        state["schedule"] = schedule

    @step("escalation policies: create targeting the schedule, find by name")
    def _():
        targets = [{"id": state["me"]["id"], "type": "user_reference"}]
        if "schedule" in state:
            targets.append({"id": state["schedule"]["id"], "type": "schedule_reference"})
        policy = rest.rpost("/escalation_policies", json={"escalation_policy": {
            "type": "escalation_policy", "name": name("Policy"),
            "escalation_rules": [{"escalation_delay_in_minutes": 30, "targets": targets}],
        }})
        found = rest.find("escalation_policies", name("Policy"))
        expect(found and found["id"] == policy["id"], f"find returned {found}")
        state["policy"] = policy

    @step("services: create with intelligent grouping, update with rput on the object")
    def _():
        service = rest.rpost("/services", json={"service": {
            "type": "service", "name": name("Checkout"),
            "escalation_policy": {"id": state["policy"]["id"], "type": "escalation_policy_reference"},
            "alert_creation": "create_alerts_and_incidents",
            "alert_grouping_parameters": {"type": "content_based", "config": {"aggregate": "all", "fields": ["summary"]}},
        }})
        updated = rest.rput(service, json={"type": "service", "description": "payments"})
        expect(updated["description"] == "payments", f"updated {updated}")
        expect(updated["alert_grouping_parameters"]["type"] == "content_based", f"grouping {updated.get('alert_grouping_parameters')}")
        state["service"] = service

    @step("vendors and integrations: iterate vendors, add an Events API v2 integration")
    def _():
        vendors = list(rest.iter_all("vendors", page_size=5))
        expect(len(vendors) > 5, f"{len(vendors)} vendors over pages of 5")
        integration = rest.rpost(f"/services/{state['service']['id']}/integrations", json={"integration": {
            "type": "events_api_v2_inbound_integration", "name": "Prometheus",
        }})
        expect(integration["integration_key"], "no integration_key")
        state["integration"] = integration

    def incident_for(key):
        def find():
            found = rest.list_all("incidents", params={"incident_key": key, "service_ids[]": [state["service"]["id"]],
                                                       "statuses[]": ["triggered", "acknowledged", "resolved"]})
            return found[0] if found else None
        return eventually(f"incident {key}", find)

    @step("events v2: trigger two alerts with custom details, each opens an incident")
    def _():
        session = events(state["integration"]["integration_key"])
        state["events"] = session
        keys = []
        for host in ("web-1", "web-2"):
            keys.append(session.trigger(f"{host} is down", host, dedup_key=f"{host}-{run_id}", severity="critical",
                                        custom_details={"check": "http", "host": host}))
        expect(keys == [f"web-1-{run_id}", f"web-2-{run_id}"], f"dedup keys {keys}")
        state["incidents"] = [incident_for(k) for k in keys]

    @step("change events: sent")
    def _():
        change_event(state["integration"]["integration_key"], "deployed v42", "ci", iso())

    @step("incidents: iterate with pagination, get one with include[]=body")
    def _():
        ids = [i["id"] for i in rest.iter_all("incidents", params={"service_ids[]": [state["service"]["id"]]}, page_size=1)]
        expect(sorted(ids) == sorted(i["id"] for i in state["incidents"]), f"iterated {ids}")
        incident = rest.rget(f"/incidents/{state['incidents'][0]['id']}", params={"include[]": ["body"]})
        expect(incident["service"]["id"] == state["service"]["id"], f"service {incident['service']}")

    @step("incidents: acknowledge, snooze, add a note")
    def _():
        first = state["incidents"][0]
        acked = rest.rput(first, json={"type": "incident_reference", "status": "acknowledged"})
        expect(acked["status"] == "acknowledged", f"status {acked['status']}")
        rest.rpost(f"/incidents/{first['id']}/snooze", json={"duration": 3600})
        rest.rpost(f"/incidents/{first['id']}/notes", json={"note": {"content": "on it"}})
        notes = rest.rget(f"/incidents/{first['id']}/notes")
        expect([n["content"] for n in notes] == ["on it"], f"notes {notes}")

    @step("incidents: merge the second into the first, resolve, read the log entries")
    def _():
        first, second = state["incidents"]
        merged = rest.rput(f"/incidents/{first['id']}/merge",
                           json={"source_incidents": [{"id": second["id"], "type": "incident_reference"}]})
        expect(merged["id"] == first["id"], f"merged {merged}")
        resolved = rest.rput(first, json={"type": "incident_reference", "status": "resolved"})
        expect(resolved["status"] == "resolved", f"status {resolved['status']}")
        types = {e["type"] for e in rest.iter_all(f"/incidents/{first['id']}/log_entries")}
        expect({"trigger_log_entry", "acknowledge_log_entry", "resolve_log_entry"} <= types, f"log entries {types}")

    @step("events v2: acknowledge and resolve by dedup key")
    def _():
        session, key = state["events"], f"db-{run_id}"
        session.trigger("db-1 replication lag", "db-1", dedup_key=key, severity="warning")
        incident = incident_for(key)
        session.acknowledge(key)
        session.resolve(key)
        eventually("resolved by event", lambda: rest.rget(f"/incidents/{incident['id']}")["status"] == "resolved")

    @step("maintenance windows: create, list the future ones")
    def _():
        window = rest.rpost("/maintenance_windows", json={"maintenance_window": {
            "type": "maintenance_window", "start_time": iso(1), "end_time": iso(2), "description": "upgrade",
            "services": [{"id": state["service"]["id"], "type": "service_reference"}],
        }}, headers={"From": sender})
        listed = rest.list_all("maintenance_windows", params={"filter": "future", "service_ids[]": [state["service"]["id"]]})
        expect([w["id"] for w in listed] == [window["id"]], f"windows {listed}")

    @step("errors: a missing service raises the client's HTTP error with PagerDuty's body")
    def _():
        try:
            rest.rget("/services/PNOSUCH")
        except http_error as err:
            expect(err.response.status_code == 404, f"status {err.response.status_code}")
            expect(err.response.json()["error"]["code"] == 2100, f"body {err.response.text}")
            return
        raise AssertionError("no error raised")

    @step("priorities, abilities, tags: list")
    def _():
        expect(isinstance(rest.list_all("priorities"), list), "priorities")
        expect(len(rest.rget("abilities")) > 0, "abilities")
        expect(isinstance(rest.list_all("tags"), list), "tags")

    @step("tags and sessions: tag the team by label, read it back; the user's sessions")
    def _():
        team = state["team"]
        rest.rpost(f"/teams/{team['id']}/change_tags", json={"add": [{"type": "tag", "label": name("critical")}]})
        labels = [t["label"] for t in rest.list_all(f"/teams/{team['id']}/tags")]
        expect(labels == [name("critical")], f"team tags {labels}")
        expect(rest.jget(f"/users/{state['user']['id']}/sessions") == {"user_sessions": []}, "sessions")

    @step("audit records: the team's, then the account's, through cursor pagination (iter_cursor)")
    def _():
        # iter_cursor, not iter_all: both clients' iter_all yield nothing (pagerduty) or raise (pdpyras)
        # on cursor-paginated paths, against PagerDuty too (README, compatibility).
        team = state["team"]
        rest.rput(team, json={"type": "team", "name": team["name"], "description": "audited"})
        records = list(rest.iter_cursor(f"/teams/{team['id']}/audit/records", params={"limit": 1}))
        actions = [(r["action"], r["root_resource"]["id"]) for r in records]
        expect(actions == [("update", team["id"])] * 2 + [("create", team["id"])], f"team records {actions}")
        field = records[0]["details"]["fields"][0]
        expect(field == {"name": "description", "before_value": "", "value": "audited"}, f"change {field}")
        members = records[1]["details"]["references"][0]
        expect(members["name"] == "members" and members["added"][0]["id"] == state["user"]["id"], f"members {members}")
        mine = rest.iter_cursor("/audit/records", params={"limit": 2, "root_resource_types[]": ["teams"]})
        expect(any(r["root_resource"]["id"] == team["id"] for r in mine), "the team is not in the account's records")

    return failures
