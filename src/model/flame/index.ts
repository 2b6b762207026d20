// Barrel of src/model/flame: its owner adds exports here.
export {};
