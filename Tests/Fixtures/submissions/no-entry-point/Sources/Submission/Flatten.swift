import ExerciseKit

// Compiles, but forgot Registration.swift: the grader must say what is missing.
public final class Flatten {
    public init() {}
}
