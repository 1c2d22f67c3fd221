-- Why a completed scan has no grade (docs/grading.md: a grade needs evidence from the
-- domain's own servers), e.g. "the domain's DNS did not answer: timeout". NULL when graded.
ALTER TABLE scans ADD COLUMN grade_reason TEXT;
