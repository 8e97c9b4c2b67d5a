CREATE SCHEMA "grouping";
--> statement-breakpoint
CREATE SEQUENCE "grouping"."incident_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "grouping"."alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_id" text,
	"integration_id" text NOT NULL,
	"service_id" text NOT NULL,
	"alert_key" text NOT NULL,
	"status" text NOT NULL,
	"suppressed" boolean DEFAULT false NOT NULL,
	"severity" text NOT NULL,
	"summary" text NOT NULL,
	"source" text DEFAULT '' NOT NULL,
	"component" text,
	"group" text,
	"class" text,
	"custom_details" jsonb,
	"contexts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"client" text,
	"client_url" text,
	"first_trigger_log_entry_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "grouping"."incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_number" bigint DEFAULT nextval('grouping.incident_number_seq') NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"urgency" text NOT NULL,
	"service_id" text NOT NULL,
	"escalation_policy_id" text,
	"escalation_level" integer DEFAULT 1 NOT NULL,
	"assigned_via" text NOT NULL,
	"assignments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"acknowledgements" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"incident_key" text,
	"alert_count" integer DEFAULT 0 NOT NULL,
	"grouping_type" text,
	"window_started_at" timestamp with time zone,
	"window_last_grouped_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"snoozed_until" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"merged_into" text,
	"priority" jsonb,
	"details" jsonb,
	"first_trigger_log_entry_id" text,
	"last_status_change_at" timestamp with time zone NOT NULL,
	"last_status_change_by" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "incidents_incident_number_unique" UNIQUE("incident_number")
);
--> statement-breakpoint
CREATE TABLE "grouping"."log_entries" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"incident_id" text NOT NULL,
	"service_id" text NOT NULL,
	"alert_id" text,
	"agent" jsonb,
	"channel" jsonb NOT NULL,
	"note" text,
	"extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "log_entries_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "grouping"."models" (
	"service_id" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grouping"."notes" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"user_id" text NOT NULL,
	"content" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grouping"."catalog_replica" (
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"version" bigint NOT NULL,
	"deleted" boolean NOT NULL,
	"snapshot" jsonb,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "catalog_replica_entity_type_entity_id_pk" PRIMARY KEY("entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "grouping"."inbox" (
	"message_id" text PRIMARY KEY NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grouping"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"value" "bytea" NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grouping"."outbox_lease" (
	"name" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grouping"."timers" (
	"incident_id" text NOT NULL,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	CONSTRAINT "timers_incident_id_kind_pk" PRIMARY KEY("incident_id","kind")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_key_idx" ON "grouping"."alerts" USING btree ("integration_id","alert_key") WHERE "grouping"."alerts"."status" = 'triggered';--> statement-breakpoint
CREATE INDEX "alerts_incident_idx" ON "grouping"."alerts" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "alerts_service_created_idx" ON "grouping"."alerts" USING btree ("service_id","created_at");--> statement-breakpoint
CREATE INDEX "incidents_service_status_idx" ON "grouping"."incidents" USING btree ("service_id","status");--> statement-breakpoint
CREATE INDEX "incidents_created_idx" ON "grouping"."incidents" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "log_entries_incident_idx" ON "grouping"."log_entries" USING btree ("incident_id","seq");--> statement-breakpoint
CREATE INDEX "log_entries_created_idx" ON "grouping"."log_entries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "notes_incident_idx" ON "grouping"."notes" USING btree ("incident_id","created_at");--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "grouping"."timers" USING btree ("due_at");