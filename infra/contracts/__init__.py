"""Deploy-contract and lifecycle checks over the offline plans of every stage (docs/deploy-contracts.md)."""
