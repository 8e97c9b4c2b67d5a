CREATE TABLE "catalog"."incident_states" (
	"incident_id" text PRIMARY KEY NOT NULL,
	"service_id" text NOT NULL,
	"integration_id" text,
	"status" text NOT NULL,
	"version" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "incident_states_service_idx" ON "catalog"."incident_states" USING btree ("service_id","status");--> statement-breakpoint
CREATE INDEX "incident_states_integration_idx" ON "catalog"."incident_states" USING btree ("integration_id","status");