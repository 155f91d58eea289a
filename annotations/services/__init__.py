"""Business logic that writes (HackSoft style): plain keyword-only functions, `<thing>_<action>`."""
