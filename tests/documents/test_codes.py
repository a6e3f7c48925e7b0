"""Document codes: unguessable, typed back in any reasonable form, typos caught by the check."""

from documents.codes import ALPHABET, document_code_new, document_code_normalise


def test_new_codes_are_canonical_and_distinct():
    codes = {document_code_new() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == 19 and code.count("-") == 3
        assert document_code_normalise(code) == code


def test_typed_forms_are_accepted():
    code = document_code_new()
    compact = code.replace("-", "")
    assert document_code_normalise(compact.lower()) == code
    assert document_code_normalise(" ".join(code.split("-"))) == code
    confusable = compact.replace("0", "O").replace("1", "I")
    assert document_code_normalise(confusable) == code


def test_every_single_mistyped_symbol_is_caught():
    code = document_code_new().replace("-", "")
    for position in range(len(code)):
        for symbol in ALPHABET:
            if symbol != code[position]:
                typo = code[:position] + symbol + code[position + 1 :]
                assert document_code_normalise(typo) is None, typo


def test_wrong_length_or_foreign_symbols_are_refused():
    assert document_code_normalise("") is None
    assert document_code_normalise("ABCD-EFGH") is None
    assert document_code_normalise("ABCD-EFGH-JKMN-PQR!") is None
    assert document_code_normalise("ABCD-EFGH-JKMN-PQRU") is None
