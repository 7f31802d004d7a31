"""The offline preview: run a Pulumi program under mocks and record what it would deploy."""
