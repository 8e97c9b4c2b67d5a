CREATE SCHEMA "notify";
--> statement-breakpoint
CREATE TABLE "notify"."catalog_replica" (
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"version" bigint NOT NULL,
	"deleted" boolean NOT NULL,
	"snapshot" jsonb,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "catalog_replica_entity_type_entity_id_pk" PRIMARY KEY("entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "notify"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"value" "bytea" NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify"."outbox_lease" (
	"name" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
