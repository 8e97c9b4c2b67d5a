CREATE SCHEMA "ingest";
--> statement-breakpoint
CREATE TABLE "ingest"."rate_windows" (
	"integration_id" text NOT NULL,
	"window_start" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "rate_windows_integration_id_window_start_pk" PRIMARY KEY("integration_id","window_start")
);
