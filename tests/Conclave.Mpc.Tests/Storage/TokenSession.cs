using Conclave.Mpc.Storage.Internal;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace Conclave.Mpc.Tests.Storage;

/// <summary>
/// A logged-in session on a SoftHSM token opened straight through Pkcs11Interop, to look at and
/// plant key objects behind the provider's back. It shares the module and login registry with the
/// providers in the process (PKCS#11 state is per process).
/// </summary>
internal sealed class TokenSession : IDisposable
{
    private readonly Pkcs11Module _module;
    private readonly ulong _slotId;

    public TokenSession(ulong slotId)
    {
        _slotId = slotId;
        _module = Pkcs11Module.Acquire(SoftHsmToken.LibraryPath);
        var slot = _module.Library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.SlotId == slotId);
        Session = slot.OpenSession(SessionType.ReadWrite);
        _module.Login(Session, slotId, SoftHsmToken.Pin);
    }

    public ISession Session { get; }

    public IObjectAttributeFactory Attributes => _module.Factories.ObjectAttributeFactory;

    public IReadOnlyList<IObjectHandle> FindKeys(string label) => Session.FindAllObjects(
    [
        Attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        Attributes.Create(CKA.CKA_LABEL, label),
    ]);

    public bool ReadBool(IObjectHandle key, CKA attribute) => Session.GetAttributeValue(key, [attribute])[0].GetValueAsBool();

    public ulong ReadUlong(IObjectHandle key, CKA attribute) => Session.GetAttributeValue(key, [attribute])[0].GetValueAsUlong();

    /// <summary>Generates an AES-256 token key with the given label and protection attributes.</summary>
    public IObjectHandle GenerateAesKey(string label, bool sensitive, bool extractable)
    {
        using var mechanism = _module.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        return Session.GenerateKey(mechanism,
        [
            Attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            Attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            Attributes.Create(CKA.CKA_VALUE_LEN, 32UL),
            Attributes.Create(CKA.CKA_LABEL, label),
            Attributes.Create(CKA.CKA_TOKEN, true),
            Attributes.Create(CKA.CKA_PRIVATE, true),
            Attributes.Create(CKA.CKA_SENSITIVE, sensitive),
            Attributes.Create(CKA.CKA_EXTRACTABLE, extractable),
            Attributes.Create(CKA.CKA_ENCRYPT, true),
            Attributes.Create(CKA.CKA_DECRYPT, true),
        ]);
    }

    public void Dispose()
    {
        try
        {
            _module.Logout(Session, _slotId);
            Session.Dispose();
        }
        finally
        {
            _module.Release();
        }
    }
}
