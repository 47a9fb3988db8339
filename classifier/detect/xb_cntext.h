/*
 * xb_cntext.h - Chinese person names and postal addresses in UTF-8 text.
 *
 * Names and addresses have no check digit, so they are found by structure and
 * dictionaries: a surname list (single and compound surnames) with a 1-2
 * character given name, cue words (姓名, 联系人, 先生, 女士 ...); and for
 * addresses a province / city / district dictionary followed by road, lane,
 * building and number components (路 街 道 巷 弄 号 栋 单元 室 ...).
 *
 * field_hint says that the value sits in a field whose name marks it as a
 * name (resp. address) field; it lets a bare "张伟" or a short address count
 * with high confidence, where free text needs cue words.
 *
 * Input is normalised text (full-width ASCII folded, zero-width removed);
 * unfolded full-width punctuation (：，（) is understood as well.
 *
 * Confidence: the reporting threshold of a catalog entry is 0.5 by default.
 * Some candidates are returned below it on purpose, so that a catalog can
 * opt in with a lower min-confidence: a surname with a title (王先生, 李经理)
 * in free text (0.35) and a plausible name that is the whole value of a
 * field that is not a name field (0.4). The rules, dictionaries and limits
 * are described in docs/names-addresses.md.
 *
 * All functions are reentrant, allocate nothing and read only s[0..n).
 */
#ifndef XB_CNTEXT_H
#define XB_CNTEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xb_text_match {
    size_t start;      /* byte offsets into the input */
    size_t end;
    double confidence; /* 0..1 */
} xb_text_match;

/* Confidence of a plausible name that is the whole value of a field that is
 * not a name field: below the default threshold; the engine raises it when
 * the field is opaque and the record holds a personal identifier. */
#define XB_NAME_BARE_CONFIDENCE 0.4
/* The same for weaker bare values, never raised by the record: a value
 * ending in a place suffix (刘家庄), or two characters whose surname is not
 * among the ~120 most frequent or whose given-name character is not a
 * frequent one (徐汇, 申通). */
#define XB_NAME_BARE_WEAK_CONFIDENCE 0.3

/* Return the number of matches written to out (at most max_out). Matches are
 * ordered by start and do not overlap. */
size_t xb_find_person_names(const char *s, size_t n, bool field_hint,
                            xb_text_match *out, size_t max_out);
size_t xb_find_addresses(const char *s, size_t n, bool field_hint,
                         xb_text_match *out, size_t max_out);

/* True when the text contains at least one CJK ideograph (cheap pre-check). */
bool xb_has_cjk(const char *s, size_t n);

#endif
