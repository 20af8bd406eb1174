extension GoalTable {
    /// A table to be filled in field by field (the flat layout), under `heading`.
    init(heading: GoalDocumentText.Heading) {
        self.heading = heading
    }
}
