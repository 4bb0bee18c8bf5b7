package demo

import "time"

// The shop the sandbox plays: a small ceramics studio with two Facebook
// Pages, whose customers write in their own languages.
const (
	shopName     = "Lumen Ceramics"
	shopHandle   = "lumen-ceramics" // lumen-ceramics.myshopify.com
	shopDomain   = "lumenceramics.example"
	shopCurrency = "EUR"
)

// page is one of the merchant's Facebook Pages.
type page struct{ id, name, category string }

var pages = []page{
	{"104857600000001", "Lumen Ceramics", "Home decor"},
	{"104857600000002", "Lumen Outlet", "Shopping & retail"},
}

// line is one message of a sample thread: from the customer unless
// fromShop; photo names a picture of photos (pictures.go) sent with it.
type line struct {
	fromShop bool
	text     string
	photo    string
}

// thread is a sample conversation. ago is how long before the start of
// the sandbox its last message was sent; earlier lines come a few minutes
// apart before it.
type thread struct {
	page  int // index in pages
	psid  string
	name  string
	ago   time.Duration
	lines []line
}

// The lines of a thread: the customer says, the shop answers, the customer
// sends a photo with a caption.
func says(text string) line            { return line{text: text} }
func shop(text string) line            { return line{fromShop: true, text: text} }
func withPhoto(text, name string) line { return line{text: text, photo: name} }
func hours(h float64) time.Duration    { return time.Duration(h * float64(time.Hour)) }
func days(d float64) time.Duration     { return hours(24 * d) }
func minutes(m int) time.Duration      { return time.Duration(m) * time.Minute }

// threads are spread over the last 30 days: some inside Messenger's
// 24-hour reply window, some inside the 7-day human-agent window, the
// rest closed.
var threads = []thread{
	// Inside the 24-hour window.
	{0, "7310000000000001", "Émilie Laurent", minutes(4), []line{
		says("Bonjour ! Est-ce que le bol à ramen existe aussi en bleu nuit ?"),
		shop("Bonjour Émilie ! Oui, en émail Midnight, il en reste 6 🙂"),
		says("Parfait, et vous livrez à Lyon en combien de temps ?"),
	}},
	{0, "7310000000000002", "Jonas Becker", minutes(38), []line{
		withPhoto("Hallo, meine Tasse kam leider mit einem Sprung an 😕", "chipped-mug"),
		shop("Oh nein, das tut uns leid! Wir schicken sofort Ersatz."),
		says("Danke! Muss ich die alte zurückschicken?"),
	}},
	{1, "7310000000000003", "佐藤 花子", hours(2.5), []line{
		says("こんにちは！抹茶碗はギフト包装できますか？"),
		shop("こんにちは！はい、無料でギフト包装いたします 🎁"),
		says("ありがとうございます。では2つお願いします。"),
	}},
	{0, "7310000000000004", "Lucía Fernández", hours(5), []line{
		says("¡Hola! ¿El jarrón ánfora cabe en una repisa de 25 cm?"),
		shop("¡Hola Lucía! Mide 22 cm de alto, así que sí cabe."),
		says("Genial, lo pido hoy mismo 😍"),
	}},
	{0, "7310000000000005", "ليلى حداد", hours(9), []line{
		says("مرحبا، هل يمكن الشحن إلى دبي؟"),
		shop("مرحبا ليلى! نعم، الشحن إلى الإمارات خلال ٥ أيام عمل."),
		says("رائع، شكراً جزيلاً 🌸"),
	}},
	{1, "7310000000000006", "Tom Walker", hours(14), []line{
		says("Hi! Is the outlet speckled mug a second or just last season?"),
		shop("Hi Tom, a second: a small glaze dot on the base, otherwise perfect."),
		withPhoto("Like this one? Got it from a friend", "speckled-mug"),
	}},
	{0, "7310000000000007", "Giulia Romano", hours(21), []line{
		says("Ciao! Do you speak Italian? Vorrei un set di 4 piatti piani"),
		shop("Ciao Giulia! A little 🙂 The dinner plates come in Sea Salt and Sage."),
		says("Sea Salt, per favore. Spedite in Italia?"),
	}},
	// Inside the 7-day human-agent window.
	{0, "7310000000000008", "Sophie Martin", days(1.4), []line{
		says("Bonsoir, ma commande #1042 n'est toujours pas arrivée…"),
		shop("Bonsoir Sophie, je regarde tout de suite."),
		shop("Le colis est au point relais depuis ce matin 📦"),
		says("Ah super, merci beaucoup !"),
	}},
	{1, "7310000000000009", "Mehmet Yılmaz", days(2), []line{
		says("Hello, do you have the teapot in stock again?"),
		shop("Hi Mehmet, next batch comes out of the kiln on Friday!"),
	}},
	{0, "7310000000000010", "Anna Schmidt", days(2.6), []line{
		says("Guten Tag! Sind die Becher spülmaschinenfest?"),
		shop("Guten Tag Anna, ja – spülmaschinen- und mikrowellengeeignet."),
		says("Super, dann nehme ich zwei Latte-Becher ☕☕"),
	}},
	{0, "7310000000000011", "Olivia Brown", days(3.5), []line{
		withPhoto("Can you make this in green? 💚", "bud-vase"),
		shop("We can! Sage glaze, about 3 weeks. Shall I reserve one?"),
		says("Yes please!"),
	}},
	{1, "7310000000000012", "Carlos Ruiz", days(4.2), []line{
		says("Buenas, ¿hacéis descuento por 10 tazas para un restaurante?"),
		shop("¡Hola Carlos! Sí, 15 % a partir de 10 unidades."),
	}},
	{0, "7310000000000013", "田中 健", days(5), []line{
		says("注文した花瓶が届きました。とても綺麗です！"),
		shop("ありがとうございます！お気に入りいただけて嬉しいです 😊"),
	}},
	{0, "7310000000000014", "Chloé Dubois", days(6.3), []line{
		says("Vous faites des ateliers de poterie le week-end ?"),
		shop("Oui ! Un samedi sur deux, 4 places. Le prochain est le 14."),
		says("Je m'inscris avec ma sœur 🙌"),
	}},
	// Closed: older than seven days.
	{0, "7310000000000015", "James O'Connor", days(8), []line{
		says("Do you ship to Ireland after Brexit without customs fees?"),
		shop("Hi James, yes: we ship from the EU, so no customs for Ireland."),
	}},
	{1, "7310000000000016", "Fatima Zahra", days(9.5), []line{
		says("Bonjour, le bol de service est-il assez grand pour une salade pour 6 ?"),
		shop("Bonjour Fatima, oui : 28 cm de diamètre."),
		says("Merci 🙏"),
	}},
	{0, "7310000000000017", "Lukas Weber", days(11), []line{
		says("Gibt es Gutscheine? Ich suche ein Geschenk für meine Mutter."),
		shop("Ja! Geschenkkarten ab 25 €, per E-Mail oder gedruckt."),
	}},
	{0, "7310000000000018", "María José Pérez", days(12.5), []line{
		withPhoto("Mirad qué bonita queda en mi cocina 🥰", "kitchen"),
		shop("¡Qué maravilla! ¿Nos dejas compartirla?"),
		says("¡Claro que sí!"),
	}},
	{1, "7310000000000019", "Noah Johnson", days(14), []line{
		says("Any chance of a restock on the black espresso cups?"),
		shop("Yes, in about two weeks. I'll message you when they're in."),
	}},
	{0, "7310000000000020", "鈴木 美咲", days(16), []line{
		says("お皿のサイズを教えてください。"),
		shop("ディナープレートは直径27cm、サイドプレートは20cmです。"),
	}},
	{0, "7310000000000021", "Yusuf Demir", days(18), []line{
		says("Hi, can I pick up my order at the studio?"),
		shop("Of course! Tuesday to Saturday, 10–18h."),
		says("See you Thursday 👋"),
	}},
	{1, "7310000000000022", "Camille Bernard", days(20), []line{
		says("Le vase amphore est-il étanche ? C'est pour des fleurs fraîches."),
		shop("Oui, émaillé à l'intérieur, totalement étanche 💐"),
	}},
	{0, "7310000000000023", "Hannah Fischer", days(22), []line{
		says("Ist die Teekanne auch für Herdplatten geeignet?"),
		shop("Leider nein, bitte nur mit heißem Wasser befüllen."),
	}},
	{0, "7310000000000024", "Omar Khalil", days(24), []line{
		says("السلام عليكم، هل عندكم أطباق بلون أخضر؟"),
		shop("وعليكم السلام! نعم، لون Sage متوفر."),
	}},
	{1, "7310000000000025", "Emma Wilson", days(26), []line{
		says("Loved my order, thank you! ⭐⭐⭐⭐⭐"),
		shop("Thank you Emma, that made our day!"),
	}},
	{0, "7310000000000026", "Pablo García", days(29), []line{
		says("Hola, ¿tenéis tienda física en Madrid?"),
		shop("Hola Pablo, de momento solo online y nuestro taller en Lyon."),
	}},
}

// liveCustomers write the messages the sandbox delivers by webhook while
// the app runs, besides the customers of recent threads (followUps).
var liveCustomers = []struct {
	psid, name string
	texts      []string
}{
	{"7310000000000101", "Isabelle Moreau", []string{"Bonjour, vous livrez en Belgique ?", "Est-ce que je peux changer la couleur de ma commande ?"}},
	{"7310000000000102", "Felix Hoffmann", []string{"Hallo! Kann ich heute bestellen und am Freitag bekommen?", "Gibt es die Schalen auch im Viererset?"}},
	{"7310000000000103", "Valentina Rossi", []string{"Ciao! Avete ancora il vaso verde? 🌿", "Grazie mille!"}},
	{"7310000000000104", "山本 翔", []string{"このマグカップは電子レンジで使えますか？", "ありがとうございます！"}},
	{"7310000000000105", "Grace Lee", []string{"Hi! Is the Moon mug back in stock? 🌙", "Do you do gift wrapping? 🎁", "Just received my bowls, they're gorgeous 😍"}},
	{"7310000000000106", "يوسف العلي", []string{"هل لديكم خصم على الطلبات الكبيرة؟", "شكراً على الرد السريع"}},
}

// followUps are what the customers of the most recent threads write next,
// in their own language.
var followUps = map[string][]string{
	"7310000000000001": {"Et pour la livraison express ?", "Merci, je commande ce soir 🙂"},
	"7310000000000002": {"Soll ich ein Foto vom Karton schicken?", "Vielen Dank für die schnelle Hilfe!"},
	"7310000000000003": {"メッセージカードも付けられますか？", "よろしくお願いします 🙏"},
	"7310000000000004": {"¿Me avisáis cuando salga el pedido?", "¡Gracias! 😊"},
	"7310000000000005": {"هل يمكن الدفع عند الاستلام؟", "ممتاز، شكراً"},
	"7310000000000006": {"Is the outlet open this Saturday?", "Great, I'll take two!"},
	"7310000000000007": {"Quanto costa la spedizione?", "Perfetto, grazie!"},
	"7310000000000008": {"Petite question : vous faites des paquets cadeaux ?", "Merci encore !"},
}
