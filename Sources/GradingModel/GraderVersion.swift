/// The grader's release (`grader --version`). Part of every batch row's key: a new release
/// regrades a course on its next run, since checks, tolerances or messages may have changed.
public enum GraderVersion {
    public static let number = "0.4.0"
}
