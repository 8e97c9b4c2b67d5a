CREATE TABLE "catalog"."audit_records" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"execution_time" timestamp (3) with time zone NOT NULL,
	"request_id" text,
	"remote_address" text,
	"actor_id" text,
	"actor_summary" text,
	"method_type" text NOT NULL,
	"method_truncated_token" text,
	"method_description" text,
	"root_type" text NOT NULL,
	"root_id" text NOT NULL,
	"root_summary" text,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"resource_summary" text,
	"details" jsonb NOT NULL,
	CONSTRAINT "audit_records_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "catalog"."audited_states" (
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"summary" text,
	"resource_type" text NOT NULL,
	"root_type" text NOT NULL,
	"root_id" text NOT NULL,
	"state" jsonb NOT NULL,
	CONSTRAINT "audited_states_entity_type_entity_id_pk" PRIMARY KEY("entity_type","entity_id")
);
--> statement-breakpoint
ALTER TABLE "catalog"."tags" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_records_time_idx" ON "catalog"."audit_records" USING btree ("execution_time","seq");--> statement-breakpoint
CREATE INDEX "audit_records_root_idx" ON "catalog"."audit_records" USING btree ("root_type","root_id","execution_time");