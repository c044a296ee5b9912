"""What the tests share: world builders and fixtures, so that no test module imports another's
conftest."""
