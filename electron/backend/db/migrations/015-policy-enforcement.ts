// Migration (issue 16, the planner's side): an adopted policy applies to new
// overrides. Append-only: never edit after it ships.
//
// A decision's `quantity` stays what the plan takes (the APPLIED value: the
// projection, exports, accuracy and FVA read it unchanged). Where an adopted
// policy changed an override, `asked_quantity` keeps what the planner asked
// for (accountability) and `policy_version` names the version that changed it;
// both stay NULL where the override applies as asked.
export default /* sql */ `
ALTER TABLE decisions ADD COLUMN asked_quantity REAL;
ALTER TABLE decisions ADD COLUMN policy_version INTEGER REFERENCES policy_adoptions (version);
`;
