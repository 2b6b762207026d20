// Barrel of src/observables/operators/pie: its owner adds exports here.
export {};
