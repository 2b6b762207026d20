// Barrel of src/observables/flame: its owner adds exports here.
export {};
