// Barrel of src/observables/pie: its owner adds exports here.
export {};
