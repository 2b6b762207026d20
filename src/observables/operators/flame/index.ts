// Barrel of src/observables/operators/flame: its owner adds exports here.
export {};
