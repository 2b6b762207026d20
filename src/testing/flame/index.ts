// Barrel of src/testing/flame: its owner adds exports here.
export {};
