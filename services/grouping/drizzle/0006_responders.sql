CREATE TABLE "grouping"."incident_responders" (
	"incident_id" text NOT NULL,
	"user_id" text NOT NULL,
	"request_id" text NOT NULL,
	"state" text NOT NULL,
	"policy_ids" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "incident_responders_incident_id_user_id_pk" PRIMARY KEY("incident_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "grouping"."responder_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"requester_id" text NOT NULL,
	"message" text NOT NULL,
	"targets" jsonb NOT NULL,
	"requested_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "responder_requests_incident_idx" ON "grouping"."responder_requests" USING btree ("incident_id","requested_at");