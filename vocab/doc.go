// Package vocab holds a tokenizer vocabulary: the bytes of every token id,
// which ids are special (never generated as text), which end generation
// (EOS), and how wide the model's logits row is. It knows nothing of
// grammars; the mask and runtime packages use it to decide which tokens
// keep the output inside a grammar.
//
// A Vocabulary comes from Load (a tokenizer.json file, a gzipped one, or a
// folder in the layout of the shared corpora: tokens.txt, special.txt,
// eos.txt, added.txt), from LoadTokenizerJSON, from New (raw token bytes),
// or from ByteLevel (256 single-byte tokens and an EOS, for tests and
// byte-level models).
//
// Token bytes are the bytes a token adds to the output, as the model's
// decoder produces them for that token on its own:
//
//   - byte-level BPE (Llama 3, Qwen, DeepSeek, GPT-4o): each vocabulary
//     string is mapped back through the inverse of GPT-2's bytes_to_unicode
//     table (Ġ → 0x20, Ċ → 0x0a, ...);
//   - SentencePiece-style BPE (Gemma, Llama 2, Mistral): a piece <0xNN> is
//     the single byte 0xNN and every ▁ (U+2581) is a space 0x20;
//   - added tokens: the UTF-8 bytes of their text (▁ → space for
//     SentencePiece-style vocabularies, except for special tokens).
//
// Sequence-level decoder rules, such as stripping the leading space of
// Llama 2 output, are not applied.
//
// Ids in [Size, LogitsWidth) are padding rows of the model's output that
// no token uses; they are never Normal. Load sets LogitsWidth for the known
// families of the shared corpora (see Load); otherwise it equals Size.
//
// Encode turns text into token ids like the reference tokenizer, for BPE
// tokenizers loaded from a tokenizer.json whose pre-tokenizer is one of the
// known patterns (Llama 3, Qwen, DeepSeek V3, GPT-4o, GPT-2, and the
// SentencePiece-style Gemma and Mistral pipelines), and for Llama 2's
// vocab.json. See Encode.
//
// A Vocabulary is immutable and safe for concurrent use.
//
// In this package v is always *Vocabulary, t a TokenID.
package vocab
