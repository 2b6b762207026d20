// Barrel of src/transport/grpc: its owner adds exports here.
export {};
