// The plan types live in PlanFormat, which the builder reads without the planner; every user of
// the planner names them as before.
@_exported import PlanFormat
