package store

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// corpus makes message texts and customer names for the benchmark
// fixture that look like a shop's inbox to a search index: a few hundred
// everyday words in English, French, Spanish and German (some accented)
// used Zipf-like, most often first, over a long tail of rarer words, with
// order numbers and emoji mixed in. It is deterministic: the same seed
// gives the same inbox, so runs on different days search the same text.
type corpus struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

// commonWords head the vocabulary, most frequent first. The benchmarks
// query some of them by rank (see searchQueries).
var commonWords = strings.Fields(`
	hello hi bonjour hola is this still available please size price thanks merci
	the a i you do have it in for and to of what how much can my order
	gracias danke dress robe blue bleu rouge red black noir white blanc taille
	talla größe shipping livraison envío versand when quand cuándo wann today
	aujourd'hui tomorrow demain mañana morgen paid payé pagado bezahlt photo
	picture foto bild size m l xl s small grand petit medium stock disponible
	disponibilité verfügbar yes oui sí ja no non nein ok okay perfect parfait
	perfecto perfekt where où dónde wo address adresse dirección adresse
	café crème thé tea coffee cappuccino pâtisserie gâteau cake choco chocolat
	délai retour return refund remboursement échange exchange colour couleur
	color farbe cotton coton algodón baumwolle lin linen soie silk laine wool
	shoes chaussures zapatos schuhe bag sac bolso tasche ring bague anillo
	collier necklace earrings boucles pendientes ohrringe naïve été hiver
	invierno winter summer verano sommer señora señor garçon fille niña niño
	`)

// customerFirst and customerLast make customer names, accents included.
var (
	customerFirst = strings.Fields(`Zoé José Ana Jürgen Chloé Mohammed Siobhán
		Łukasz Inès Noël Anne Marie Sofía Björn Amélie Émile Lucía Çağla
		Dagný François Héloïse Jean Léa Maëlle Nuñez Oğuz Renée Ségolène
		Thảo Zoë Åsa Bob Omar Lina Yusuf Mia Leon Hana Ivan Olga`)
	customerLast = strings.Fields(`Dupont Martin Müller García Fernández
		Schröder Lefèvre Nuñez Kowalski Øster Ødegård Brontë Peña Ibáñez
		Gómez Sánchez Renée Moreau Rousseau Bernard Dubois Lambert Bonnet
		Weiß Schäfer Köhler Yılmaz Şahin Nguyễn Trần Smith Jones Brown`)
)

// syllables make the long tail of rare words.
var syllables = strings.Fields("ka lo mi ré su té na bo ü ñe ga pi do vé ra zu le mo sa ti é an or el ku fa gi ho")

// tailWords is how many rare words follow the common ones.
const tailWords = 20_000

func newCorpus(seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
	vocab := slices.Clone(commonWords)
	seen := map[string]bool{}
	for _, w := range vocab {
		seen[w] = true
	}
	for len(vocab) < len(commonWords)+tailWords {
		var w strings.Builder
		for range 2 + r.IntN(3) {
			w.WriteString(syllables[r.IntN(len(syllables))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			vocab = append(vocab, w.String())
		}
	}
	return &corpus{r: r, zipf: rand.NewZipf(r, 1.07, 2, uint64(len(vocab)-1)), vocab: vocab}
}

// text is one message: 2 to 14 words, sometimes an order number or an
// emoji, sometimes a capitalised first word and punctuation.
func (c *corpus) text() string {
	var b strings.Builder
	for i := range 2 + c.r.IntN(13) {
		if i > 0 {
			b.WriteByte(' ')
		}
		w := c.vocab[c.zipf.Uint64()]
		if i == 0 && c.r.IntN(2) == 0 {
			r, size := utf8.DecodeRuneInString(w)
			w = string(unicode.ToUpper(r)) + w[size:]
		}
		b.WriteString(w)
	}
	switch c.r.IntN(20) {
	case 0:
		b.WriteString(" #" + strconv.Itoa(10000+c.r.IntN(90000)))
	case 1:
		b.WriteString(" 😊")
	case 2, 3, 4:
		b.WriteString("?")
	}
	return b.String()
}

func (c *corpus) name() string {
	return customerFirst[c.r.IntN(len(customerFirst))] + " " + customerLast[c.r.IntN(len(customerLast))]
}
