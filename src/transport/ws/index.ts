// Barrel of src/transport/ws: its owner adds exports here.
export {};
