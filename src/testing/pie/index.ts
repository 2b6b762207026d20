// Barrel of src/testing/pie: its owner adds exports here.
export {};
