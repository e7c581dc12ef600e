// Public surface of src/sources (DESIGN.md §3). Filled in as the folder grows.
export {};
