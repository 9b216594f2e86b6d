-- Exports are asked per place (a school, a training centre) over a date range.
CREATE INDEX cases_place_checked_at ON cases (place, checked_at);
