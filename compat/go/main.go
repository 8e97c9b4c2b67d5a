// The go-pagerduty flow of the compatibility suite: an operator's setup and a monitoring flow, through
// the unmodified client pointed at Klaxon (KLAXON_URL). Prints PASS/FAIL per step; exits 1 on any FAIL.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/PagerDuty/go-pagerduty"
)

var (
	ctx      = context.Background()
	failures = 0
)

func step(name string, run func() error) bool {
	if err := run(); err != nil {
		failures++
		fmt.Printf("FAIL %s: %s\n", name, strings.ReplaceAll(err.Error(), "\n", " "))
		return false
	}
	fmt.Printf("PASS %s\n", name)
	return true
}

func check(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// eventually polls until the condition holds: incidents appear after the Events API's 202.
func eventually(what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, err := cond()
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return fmt.Errorf("%s: not within 60 s", what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// v1Transport sends go-pagerduty's v1 CreateEvent (whose URL is fixed to PagerDuty's host) to Klaxon:
// the client offers the HTTPClient hook for this; the request itself is the client's, unchanged.
type v1Transport struct{ base *url.URL }

func (t v1Transport) Do(req *http.Request) (*http.Response, error) {
	req.URL.Scheme, req.URL.Host, req.Host = t.base.Scheme, t.base.Host, t.base.Host
	return http.DefaultClient.Do(req)
}

func main() {
	base, token, from, run := os.Getenv("KLAXON_URL"), os.Getenv("KLAXON_TOKEN"), os.Getenv("KLAXON_FROM"), os.Getenv("KLAXON_RUN")
	c := pagerduty.NewClient(token, pagerduty.WithAPIEndpoint(base), pagerduty.WithV2EventsAPIEndpoint(base))
	name := func(s string) string { return fmt.Sprintf("go %s %s", s, run) }

	var me, responder *pagerduty.User
	step("users: current user, create, get, list with pagination", func() error {
		var err error
		if me, err = c.GetCurrentUserWithContext(ctx, pagerduty.GetCurrentUserOptions{}); err != nil {
			return err
		}
		if responder, err = c.CreateUserWithContext(ctx, pagerduty.User{Name: name("Responder"), Email: "go-" + run + "@example.com", Role: "user"}); err != nil {
			return err
		}
		got, err := c.GetUserWithContext(ctx, responder.ID, pagerduty.GetUserOptions{})
		if err != nil {
			return err
		}
		if err := check(got.Email == responder.Email, "email %q", got.Email); err != nil {
			return err
		}
		page, err := c.ListUsersWithContext(ctx, pagerduty.ListUsersOptions{Limit: 1})
		if err != nil {
			return err
		}
		return check(len(page.Users) == 1 && page.More, "first page of 1: %d users, more=%v", len(page.Users), page.More)
	})
	if me == nil || responder == nil {
		os.Exit(1)
	}

	var team *pagerduty.Team
	step("teams: create, add a member, list members", func() error {
		var err error
		if team, err = c.CreateTeamWithContext(ctx, &pagerduty.Team{Name: name("Team")}); err != nil {
			return err
		}
		if err := c.AddUserToTeamWithContext(ctx, pagerduty.AddUserToTeamOptions{TeamID: team.ID, UserID: responder.ID, Role: pagerduty.TeamUserRoleResponder}); err != nil {
			return err
		}
		members, err := c.ListMembersWithContext(ctx, team.ID, pagerduty.ListTeamMembersOptions{})
		if err != nil {
			return err
		}
		return check(len(members.Members) == 1 && members.Members[0].User.ID == responder.ID, "members %+v", members.Members)
	})

	var schedule *pagerduty.Schedule
	step("schedules: create a weekly rotation, render it, list on-call users", func() error {
		start := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
		var err error
		schedule, err = c.CreateScheduleWithContext(ctx, pagerduty.Schedule{
			Name:     name("Schedule"),
			TimeZone: "Europe/Paris",
			ScheduleLayers: []pagerduty.ScheduleLayer{{
				Name: "Layer 1", Start: start, RotationVirtualStart: start, RotationTurnLengthSeconds: 7 * 24 * 3600,
				Users: []pagerduty.UserReference{{User: pagerduty.APIObject{ID: responder.ID, Type: "user_reference"}}},
			}},
		})
		if err != nil {
			return err
		}
		rendered, err := c.GetScheduleWithContext(ctx, schedule.ID, pagerduty.GetScheduleOptions{
			Since: time.Now().UTC().Format(time.RFC3339), Until: time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339),
		})
		if err != nil {
			return err
		}
		entries := rendered.FinalSchedule.RenderedScheduleEntries
		if err := check(len(entries) > 0 && entries[0].User.ID == responder.ID, "final schedule %+v", entries); err != nil {
			return err
		}
		users, err := c.ListOnCallUsersWithContext(ctx, schedule.ID, pagerduty.ListOnCallUsersOptions{
			Since: time.Now().UTC().Format(time.RFC3339), Until: time.Now().UTC().Add(time.Hour).Format(time.RFC3339),
		})
		if err != nil {
			return err
		}
		return check(len(users) == 1 && users[0].ID == responder.ID, "on-call users %+v", users)
	})

	var policy *pagerduty.EscalationPolicy
	step("escalation policies: create with a schedule and a user, get, update", func() error {
		targets := []pagerduty.APIObject{{ID: me.ID, Type: "user_reference"}}
		if schedule != nil {
			targets = append(targets, pagerduty.APIObject{ID: schedule.ID, Type: "schedule_reference"})
		}
		var err error
		policy, err = c.CreateEscalationPolicyWithContext(ctx, pagerduty.EscalationPolicy{
			Name:            name("Policy"),
			NumLoops:        1,
			EscalationRules: []pagerduty.EscalationRule{{Delay: 30, Targets: targets}},
		})
		if err != nil {
			return err
		}
		got, err := c.GetEscalationPolicyWithContext(ctx, policy.ID, &pagerduty.GetEscalationPolicyOptions{})
		if err != nil {
			return err
		}
		if err := check(len(got.EscalationRules) == 1 && len(got.EscalationRules[0].Targets) == len(targets), "rules %+v", got.EscalationRules); err != nil {
			return err
		}
		updated, err := c.UpdateEscalationPolicyWithContext(ctx, policy.ID, pagerduty.EscalationPolicy{Description: "changed by go-pagerduty"})
		if err != nil {
			return err
		}
		return check(updated.Description == "changed by go-pagerduty" && len(updated.EscalationRules) == 1, "updated %+v", updated)
	})
	if policy == nil {
		os.Exit(1)
	}

	var service *pagerduty.Service
	step("services: create with content-based grouping, update the description, find by name", func() error {
		var err error
		service, err = c.CreateServiceWithContext(ctx, pagerduty.Service{
			Name:                    name("Checkout"),
			EscalationPolicy:        pagerduty.EscalationPolicy{APIObject: pagerduty.APIObject{ID: policy.ID, Type: "escalation_policy_reference"}},
			AlertCreation:           "create_alerts_and_incidents",
			AlertGroupingParameters: &pagerduty.AlertGroupingParameters{Type: "content_based", Config: &pagerduty.AlertGroupParamsConfig{Aggregate: "all", Fields: []string{"summary"}}},
		})
		if err != nil {
			return err
		}
		if err := check(service.AlertGroupingParameters != nil && service.AlertGroupingParameters.Type == "content_based", "grouping %+v", service.AlertGroupingParameters); err != nil {
			return err
		}
		// go-pagerduty sends the whole struct: an escalation policy reference with no id ("unchanged").
		updated, err := c.UpdateServiceWithContext(ctx, pagerduty.Service{APIObject: pagerduty.APIObject{ID: service.ID}, Description: "payments"})
		if err != nil {
			return err
		}
		if err := check(updated.Description == "payments" && updated.EscalationPolicy.ID == policy.ID, "updated %+v", updated); err != nil {
			return err
		}
		page, err := c.ListServicesWithContext(ctx, pagerduty.ListServiceOptions{Query: name("Checkout")})
		if err != nil {
			return err
		}
		return check(len(page.Services) == 1, "services named %q: %d", name("Checkout"), len(page.Services))
	})
	if service == nil {
		os.Exit(1)
	}

	var v2, v1 *pagerduty.Integration
	step("vendors and integrations: list vendors, add Events API v2 and v1 integrations, rename one", func() error {
		vendors, err := c.ListVendorsWithContext(ctx, pagerduty.ListVendorOptions{})
		if err != nil {
			return err
		}
		if err := check(len(vendors.Vendors) > 0, "no vendors"); err != nil {
			return err
		}
		if v2, err = c.CreateIntegrationWithContext(ctx, service.ID, pagerduty.Integration{Name: "Alertmanager", APIObject: pagerduty.APIObject{Type: "events_api_v2_inbound_integration"}}); err != nil {
			return err
		}
		if v1, err = c.CreateIntegrationWithContext(ctx, service.ID, pagerduty.Integration{Name: "Nagios", APIObject: pagerduty.APIObject{Type: "generic_events_api_inbound_integration"}}); err != nil {
			return err
		}
		renamed, err := c.UpdateIntegrationWithContext(ctx, service.ID, pagerduty.Integration{APIObject: pagerduty.APIObject{ID: v2.ID, Type: v2.Type}, Name: "Alertmanager (prod)"})
		if err != nil {
			return err
		}
		got, err := c.GetIntegrationWithContext(ctx, service.ID, v2.ID, pagerduty.GetIntegrationOptions{})
		if err != nil {
			return err
		}
		return check(renamed.Name == "Alertmanager (prod)" && got.IntegrationKey == v2.IntegrationKey && v2.IntegrationKey != "", "integration %+v", got)
	})
	if v2 == nil || v1 == nil {
		os.Exit(1)
	}

	findIncident := func(key string) (*pagerduty.Incident, error) {
		var found *pagerduty.Incident
		err := eventually("incident "+key, func() (bool, error) {
			page, err := c.ListIncidentsWithContext(ctx, pagerduty.ListIncidentsOptions{IncidentKey: key, ServiceIDs: []string{service.ID}, Statuses: []string{"triggered", "acknowledged", "resolved"}})
			if err != nil || len(page.Incidents) == 0 {
				return false, err
			}
			found = &page.Incidents[0]
			return true, nil
		})
		return found, err
	}

	var first, second *pagerduty.Incident
	step("events v2: trigger with custom details opens an incident", func() error {
		res, err := c.ManageEventWithContext(ctx, &pagerduty.V2Event{
			RoutingKey: v2.IntegrationKey, Action: "trigger", DedupKey: "disk-" + run,
			Payload: &pagerduty.V2Payload{Summary: "disk full on db-1", Source: "db-1", Severity: "critical", Details: map[string]any{"free": "0%", "mount": "/var"}},
		})
		if err != nil {
			return err
		}
		if err := check(res.Status == "success" && res.DedupKey == "disk-"+run, "response %+v", res); err != nil {
			return err
		}
		first, err = findIncident("disk-" + run)
		return err
	})
	step("events v1: trigger through the generic API opens an incident", func() error {
		res, err := pagerduty.CreateEventWithHTTPClient(pagerduty.Event{ServiceKey: v1.IntegrationKey, Type: "trigger", IncidentKey: "cpu-" + run, Description: "CPU at 100% on web-1"}, v1Transport{base: mustParse(base)})
		if err != nil {
			return err
		}
		if err := check(res.Status == "success" && res.IncidentKey == "cpu-"+run, "response %+v", res); err != nil {
			return err
		}
		second, err = findIncident("cpu-" + run)
		return err
	})
	step("change events: accepted", func() error {
		res, err := c.CreateChangeEventWithContext(ctx, pagerduty.ChangeEvent{RoutingKey: v2.IntegrationKey, Payload: pagerduty.ChangeEventPayload{Summary: "deployed v42", Source: "ci", Timestamp: time.Now().UTC().Format(time.RFC3339)}})
		if err != nil {
			return err
		}
		return check(res.Status == "success", "response %+v", res)
	})
	if first == nil || second == nil {
		fmt.Printf("%d failed\n", failures)
		os.Exit(1)
	}

	step("incidents: list with pagination, get one, alerts with custom details", func() error {
		page, err := c.ListIncidentsWithContext(ctx, pagerduty.ListIncidentsOptions{ServiceIDs: []string{service.ID}, Limit: 1, Total: true})
		if err != nil {
			return err
		}
		if err := check(len(page.Incidents) == 1 && page.More && page.Total >= 2, "page %d incidents more=%v total=%d", len(page.Incidents), page.More, page.Total); err != nil {
			return err
		}
		next, err := c.ListIncidentsWithContext(ctx, pagerduty.ListIncidentsOptions{ServiceIDs: []string{service.ID}, Limit: 1, Offset: 1})
		if err != nil {
			return err
		}
		if err := check(len(next.Incidents) == 1 && next.Incidents[0].ID != page.Incidents[0].ID, "second page %+v", next.Incidents); err != nil {
			return err
		}
		got, err := c.GetIncidentWithContext(ctx, first.ID)
		if err != nil {
			return err
		}
		if err := check(got.Service.ID == service.ID && got.Urgency == "high", "incident %+v", got); err != nil {
			return err
		}
		alerts, err := c.ListIncidentAlertsWithContext(ctx, first.ID, pagerduty.ListIncidentAlertsOptions{})
		if err != nil {
			return err
		}
		return check(len(alerts.Alerts) == 1 && alerts.Alerts[0].AlertKey == "disk-"+run, "alerts %+v", alerts.Alerts)
	})
	step("incidents: acknowledge", func() error {
		res, err := c.ManageIncidentsWithContext(ctx, from, []pagerduty.ManageIncidentsOptions{{ID: first.ID, Type: "incident_reference", Status: "acknowledged"}})
		if err != nil {
			return err
		}
		return check(len(res.Incidents) == 1 && res.Incidents[0].Status == "acknowledged", "answer %+v", res.Incidents)
	})
	step("incidents: snooze for an hour", func() error {
		res, err := c.SnoozeIncidentWithContext(ctx, first.ID, 3600)
		if err != nil {
			return err
		}
		return check(res.Status == "acknowledged", "status %q", res.Status)
	})
	step("incidents: add and list notes", func() error {
		if _, err := c.CreateIncidentNoteWithContext(ctx, first.ID, pagerduty.IncidentNote{Content: "looking at the disk"}); err != nil {
			return err
		}
		notes, err := c.ListIncidentNotesWithContext(ctx, first.ID)
		if err != nil {
			return err
		}
		return check(len(notes) == 1 && notes[0].Content == "looking at the disk", "notes %+v", notes)
	})
	step("incidents: post a status update", func() error {
		update, err := c.CreateIncidentStatusUpdate(ctx, first.ID, from, "replacing the disk")
		if err != nil {
			return err
		}
		return check(update.Message == "replacing the disk" && update.Sender.ID == me.ID, "status update %+v", update)
	})
	step("incidents: merge the v1 incident into the first", func() error {
		merged, err := c.MergeIncidentsWithContext(ctx, from, first.ID, []pagerduty.MergeIncidentsOptions{{ID: second.ID, Type: "incident_reference"}})
		if err != nil {
			return err
		}
		if err := check(merged.ID == first.ID, "merged into %s", merged.ID); err != nil {
			return err
		}
		gone, err := c.GetIncidentWithContext(ctx, second.ID)
		if err != nil {
			return err
		}
		return check(gone.Status == "resolved", "source incident %s", gone.Status)
	})
	step("incidents: resolve, then log entries tell the story", func() error {
		if _, err := c.ManageIncidentsWithContext(ctx, from, []pagerduty.ManageIncidentsOptions{{ID: first.ID, Type: "incident_reference", Status: "resolved"}}); err != nil {
			return err
		}
		got, err := c.GetIncidentWithContext(ctx, first.ID)
		if err != nil {
			return err
		}
		if err := check(got.Status == "resolved", "status %q", got.Status); err != nil {
			return err
		}
		entries, err := c.ListIncidentLogEntriesWithContext(ctx, first.ID, pagerduty.ListIncidentLogEntriesOptions{})
		if err != nil {
			return err
		}
		types := map[string]bool{}
		for _, e := range entries.LogEntries {
			types[e.Type] = true
		}
		return check(types["trigger_log_entry"] && types["acknowledge_log_entry"] && types["resolve_log_entry"], "log entry types %v", types)
	})
	step("events v2: acknowledge and resolve by dedup key", func() error {
		key := "api-" + run
		if _, err := c.ManageEventWithContext(ctx, &pagerduty.V2Event{RoutingKey: v2.IntegrationKey, Action: "trigger", DedupKey: key, Payload: &pagerduty.V2Payload{Summary: "API 5xx", Source: "api-1", Severity: "error"}}); err != nil {
			return err
		}
		inc, err := findIncident(key)
		if err != nil {
			return err
		}
		for _, action := range []string{"acknowledge", "resolve"} {
			if _, err := c.ManageEventWithContext(ctx, &pagerduty.V2Event{RoutingKey: v2.IntegrationKey, Action: action, DedupKey: key}); err != nil {
				return err
			}
		}
		return eventually("resolved by event", func() (bool, error) {
			got, err := c.GetIncidentWithContext(ctx, inc.ID)
			return err == nil && got.Status == "resolved", err
		})
	})
	step("maintenance windows: create for the service, list", func() error {
		mw, err := c.CreateMaintenanceWindowWithContext(ctx, from, pagerduty.MaintenanceWindow{
			StartTime: time.Now().UTC().Add(time.Hour).Format(time.RFC3339), EndTime: time.Now().UTC().Add(2 * time.Hour).Format(time.RFC3339),
			Description: "database upgrade", Services: []pagerduty.APIObject{{ID: service.ID, Type: "service_reference"}},
		})
		if err != nil {
			return err
		}
		list, err := c.ListMaintenanceWindowsWithContext(ctx, pagerduty.ListMaintenanceWindowsOptions{ServiceIDs: []string{service.ID}, Filter: "future"})
		if err != nil {
			return err
		}
		return check(len(list.MaintenanceWindows) == 1 && list.MaintenanceWindows[0].ID == mw.ID, "windows %+v", list.MaintenanceWindows)
	})
	step("on-calls: the policy's level 1", func() error {
		res, err := c.ListOnCallsWithContext(ctx, pagerduty.ListOnCallOptions{EscalationPolicyIDs: []string{policy.ID}})
		if err != nil {
			return err
		}
		return check(len(res.OnCalls) >= 1, "on-calls %+v", res.OnCalls)
	})
	step("errors: a missing service is a parsed 404, a bad body a parsed 400", func() error {
		_, err := c.GetServiceWithContext(ctx, "PNOSUCH", &pagerduty.GetServiceOptions{})
		var apiErr pagerduty.APIError
		if !errors.As(err, &apiErr) || !apiErr.NotFound() || !apiErr.APIError.Valid || apiErr.APIError.ErrorObject.Message == "" {
			return fmt.Errorf("404: %v", err)
		}
		_, err = c.CreateEscalationPolicyWithContext(ctx, pagerduty.EscalationPolicy{Name: ""})
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.APIError.ErrorObject.Code == 0 {
			return fmt.Errorf("400: %v", err)
		}
		return nil
	})
	step("priorities: list", func() error {
		res, err := c.ListPrioritiesWithContext(ctx, pagerduty.ListPrioritiesOptions{})
		if err != nil {
			return err
		}
		return check(res.Priorities != nil, "priorities %+v", res)
	})
	step("abilities: list and test one", func() error {
		res, err := c.ListAbilitiesWithContext(ctx)
		if err != nil {
			return err
		}
		if err := check(len(res.Abilities) > 0, "abilities %+v", res); err != nil {
			return err
		}
		return c.TestAbilityWithContext(ctx, res.Abilities[0])
	})
	step("tags: create, assign to the team by reference and by label, list both ways", func() error {
		if team == nil {
			return errors.New("no team")
		}
		tag, err := c.CreateTagWithContext(ctx, &pagerduty.Tag{Label: name("tier-1")})
		if err != nil {
			return err
		}
		if err := c.AssignTagsWithContext(ctx, "teams", team.ID, &pagerduty.TagAssignments{Add: []*pagerduty.TagAssignment{
			{Type: "tag_reference", TagID: tag.ID}, {Type: "tag", Label: name("eu-west")},
		}}); err != nil {
			return err
		}
		onTeam, err := c.GetTagsForEntityPaginated(ctx, "teams", team.ID, pagerduty.ListTagOptions{})
		if err != nil {
			return err
		}
		if err := check(len(onTeam) == 2, "team tags %d", len(onTeam)); err != nil {
			return err
		}
		teams, err := c.GetTeamsByTagPaginated(ctx, tag.ID)
		if err != nil {
			return err
		}
		return check(len(teams) == 1 && teams[0].ID == team.ID, "teams tagged %+v", teams)
	})
	step("audit records: the current user's changes, page by page with the cursor, include the team's creation", func() error {
		// ListAuditRecordsPaginated dereferences next_cursor, which is null on the last page (as PagerDuty
		// sends it), and panics there: the pages are followed here instead (README, compatibility).
		var records []pagerduty.AuditRecord
		opts := pagerduty.ListAuditRecordsOptions{Limit: 5, ActorType: "user_reference", ActorID: me.ID}
		for pages := 0; ; pages++ {
			page, err := c.ListAuditRecords(ctx, opts)
			if err != nil {
				return err
			}
			records = append(records, page.Records...)
			if page.NextCursor == nil {
				break
			}
			if pages > 200 {
				return fmt.Errorf("next_cursor never ends")
			}
			opts.Cursor = *page.NextCursor
		}
		created := false
		for _, r := range records {
			created = created || (r.RootResource.ID == team.ID && r.Action == "create" && r.Actors[0].ID == me.ID)
		}
		return check(created && len(records) > 5, "%d records, the team's creation among them: %v", len(records), created)
	})
	step("incidents: created through the REST API with priority P1", func() error {
		prios, err := c.ListPrioritiesWithContext(ctx, pagerduty.ListPrioritiesOptions{})
		if err != nil {
			return err
		}
		if err := check(len(prios.Priorities) > 0 && prios.Priorities[0].Name == "P1", "priorities %+v", prios.Priorities); err != nil {
			return err
		}
		inc, err := c.CreateIncidentWithContext(ctx, from, &pagerduty.CreateIncidentOptions{
			Type: "incident", Title: "checkout errors", Service: &pagerduty.APIReference{ID: service.ID, Type: "service_reference"},
			Priority: &pagerduty.APIReference{ID: prios.Priorities[0].ID, Type: "priority_reference"},
		})
		if err != nil {
			return err
		}
		got, err := c.GetIncidentWithContext(ctx, inc.ID)
		if err != nil {
			return err
		}
		return check(got.Priority != nil && got.Priority.Name == "P1", "priority %+v", got.Priority)
	})
	if failures > 0 {
		os.Exit(1)
	}
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u
}
