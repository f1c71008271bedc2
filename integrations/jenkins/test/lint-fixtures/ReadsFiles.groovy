package fixtures

/** A deliberately broken step helper: the CodeNarc test expects its java.io use to be reported. */
class ReadsFiles implements Serializable {

    private static final long serialVersionUID = 1L

    static String read(String path) {
        return new File(path).text
    }

}
