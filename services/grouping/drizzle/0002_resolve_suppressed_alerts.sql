-- Suppressed alerts are now stored resolved (issue 9): an open suppressed alert left by an earlier
-- version would keep swallowing its key's triggers, so close them as of when they were recorded.
UPDATE "grouping"."alerts" SET "status" = 'resolved', "resolved_at" = "created_at"
WHERE "suppressed" AND "status" = 'triggered';
