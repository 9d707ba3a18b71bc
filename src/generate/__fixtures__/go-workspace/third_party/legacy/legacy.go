package legacy

// Prefix comes before every greeting.
const Prefix = "> "
