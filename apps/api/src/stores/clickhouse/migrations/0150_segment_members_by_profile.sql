-- Segment membership read by profile: the real-time path asks which segments a batch's profiles are
-- in (`profile_id IN (...)`), while the table's key starts with the segment, so each such look-up merged
-- (FINAL) the workspace's whole membership. A projection keeps a copy ordered by profile that those reads use
-- (they run without FINAL, taking the newest version per row themselves: FINAL skips projections).
-- On a Replacing table a projection needs a rule for merges and for lightweight deletes. Merges
-- rebuild it. A delete (identity merge, segment removal, GDPR erasure) drops it from the parts it
-- touches, whose reads then fall back to the table until a merge rebuilds it: rebuilt in place, the
-- projection kept the deleted rows visible to reads through it, and an erasure must leave no copy.
ALTER TABLE segment_members MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild', lightweight_mutation_projection_mode = 'drop';

ALTER TABLE segment_members ADD PROJECTION IF NOT EXISTS by_profile (SELECT * ORDER BY workspace_id, profile_id, segment_id);

-- Backfill: parts written before this migration get the projection too.
ALTER TABLE segment_members MATERIALIZE PROJECTION by_profile;
