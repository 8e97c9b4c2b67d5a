CREATE TABLE "grouping"."pending_escalations" (
	"incident_id" text PRIMARY KEY NOT NULL,
	"escalation_policy_id" text NOT NULL,
	"level" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL
);
