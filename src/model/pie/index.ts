// Barrel of src/model/pie: its owner adds exports here.
export {};
